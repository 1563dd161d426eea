/** What the start and the finish of a browser flow share: its lifetime and the cookie that binds it to one browser. */

/** How long a flow (and a confirmation parked from it) waits for its callback, in seconds. */
export const FLOW_SECONDS = 600;

/**
 * The cookie of one flow: `__Host-` (Secure, Path=/, no Domain: only this host sets or reads it),
 * HttpOnly, SameSite=Lax so that it comes back on the provider's top-level redirect to the callback.
 */
export function bindingCookieName(flowId: string): string {
  return `__Host-gatehouse-flow-${flowId.slice(0, 16)}`;
}

export function bindingCookie(flowId: string, value: string, maxAge: number): string {
  return `${bindingCookieName(flowId)}=${value}; Max-Age=${maxAge}; Path=/; Secure; HttpOnly; SameSite=Lax`;
}
