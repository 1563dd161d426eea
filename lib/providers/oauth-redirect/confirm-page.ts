import { createHash } from 'node:crypto';
import { type Reply, text } from '../../http';

/** What the person consenting is asked to confirm: who, into which app, and where they go next. */
export interface ConfirmQuestion {
  appId: string;
  /** The provider's name as people know it ("Google"). */
  providerName: string;
  /** The provider account that consented (its email or name, else its id). */
  providerAccount: string;
  /** Set for a link: the app account that would gain this provider account. */
  linkTo?: string;
  /** Where the form posts (the flow's callback URL). */
  action: string;
  /** The confirmation's one-time id. */
  flow: string;
  /** The app page the browser returns to. */
  returnTo: string;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}' +
  'h1{font-size:1.3rem}strong{word-break:break-all}.who{background:#f4f4f4;border-radius:6px;padding:.75rem 1rem}' +
  '.warn{color:#8a1c1c}button{font:inherit;padding:.5rem 1.2rem;margin:.5rem .75rem 0 0;border-radius:6px;border:1px solid #555;cursor:pointer}' +
  'button[value=continue]{background:#1b4d8c;color:#fff;border-color:#1b4d8c}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page a browser flow stops at when its callback reached a browser that did not start it: it names
 * the account that would be extended (or signed in to) and goes on only if the person says so. No
 * script, nothing framed, the form posts only here and its redirect goes only to the app's page.
 */
export function confirmPage(q: ConfirmQuestion): Reply {
  const title = q.linkTo ? `Add your ${q.providerName} account to another account?` : `Sign in with ${q.providerName}?`;
  const what = q.linkTo
    ? `<p>You signed in to ${escape(q.providerName)} as</p><p class="who"><strong>${escape(q.providerAccount)}</strong></p>` +
      `<p>Continuing adds it to the account</p><p class="who"><strong>${escape(q.linkTo)}</strong></p>` +
      `<p>of the app <strong>${escape(q.appId)}</strong>. Whoever controls that account could then sign in as you.</p>` +
      `<p class="warn">Continue only if that account is yours and you started this from the app yourself.</p>`
    : `<p>You are signing in to the app <strong>${escape(q.appId)}</strong> with the ${escape(q.providerName)} account</p>` +
      `<p class="who"><strong>${escape(q.providerAccount)}</strong></p>` +
      `<p class="warn">Continue only if you started this sign-in from the app yourself.</p>`;
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escape(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escape(title)}</h1>${what}<p>You will return to <strong>${escape(new URL(q.returnTo).origin)}</strong>.</p>` +
    `<form method="post" action="${escape(q.action)}"><input type="hidden" name="flow" value="${escape(q.flow)}">` +
    `<button type="submit" name="decision" value="continue">Continue</button>` +
    `<button type="submit" name="decision" value="cancel">Cancel</button></form></body></html>`;
  const returnOrigin = new URL(q.returnTo).origin;
  return text(200, 'text/html; charset=utf-8', html, {
    // form-action also governs the redirect that follows the post, to the app's page.
    'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self' ${returnOrigin}; base-uri 'none'; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}
