/**
 * Live updates of the counsellor console over the LiveHub (Redis pub/sub): what changed, never
 * what a message says — the console fetches the content through its authenticated API.
 */
export const CONSOLE_TOPIC = 'console';

export type ConsoleEvent =
  /** A ticket was opened, claimed, transferred, resolved or returned. */
  | { type: 'ticket'; ticketId: string; conversationId: string; status: string }
  /** A message was added to a conversation (the person wrote, a counsellor replied, a note). */
  | { type: 'message'; conversationId: string; ticketId?: string };
