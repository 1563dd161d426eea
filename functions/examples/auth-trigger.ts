/**
 * Example authentication trigger (GATEHOUSE_TRIGGERS). Gatehouse queues it when a user is created,
 * logs in or is deleted, with `{ operationType, providers, user, time }`; nothing waits for it, and its
 * failures never reach the user. This one writes an audit line to its log; send a welcome email, sync a
 * CRM or clean up app data in your own.
 */
interface AuthEvent {
  operationType: 'CREATE' | 'LOGIN' | 'DELETE';
  providers: string[];
  user: { id: string };
  time: string;
}

export const handler = async (event: AuthEvent) => {
  console.log(JSON.stringify({ audit: event.operationType, userId: event.user.id, providers: event.providers, time: event.time }));
};
