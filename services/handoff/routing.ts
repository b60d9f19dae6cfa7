/**
 * Routing by language: the order in which a counsellor sees the queue. Pure, no I/O.
 *
 * A counsellor first sees the waiting tickets in the languages they speak (oldest first, so
 * nobody waits longer than necessary), then waiting tickets in other languages (oldest first:
 * someone may still help in German or English), then their own claimed tickets, then the
 * tickets colleagues are handling.
 */

/** What routing needs to know of a ticket. */
export interface RoutableTicket {
  id: string;
  status: 'waiting' | 'claimed' | 'resolved' | 'returned';
  language: string;
  createdAt: Date;
  claimedBy: string | null;
}

/** The sections of a counsellor's queue view. */
export type QueueSection = 'my-languages' | 'other-languages' | 'mine' | 'colleagues';

export type RoutedTicket<T extends RoutableTicket> = T & { section: QueueSection };

const SECTION_ORDER: Record<QueueSection, number> = { 'my-languages': 0, 'other-languages': 1, mine: 2, colleagues: 3 };

function byAge(a: RoutableTicket, b: RoutableTicket): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Which section a ticket belongs to for this counsellor; null for closed tickets. */
export function sectionOf(ticket: RoutableTicket, counsellor: { id: string; languages: readonly string[] }): QueueSection | null {
  if (ticket.status === 'waiting') return counsellor.languages.includes(ticket.language) ? 'my-languages' : 'other-languages';
  if (ticket.status === 'claimed') return ticket.claimedBy === counsellor.id ? 'mine' : 'colleagues';
  return null;
}

/**
 * Orders the open tickets for one counsellor (closed ones are dropped).
 * @example routeForCounsellor(tickets, { id: 'u1', languages: ['ru', 'de'] })
 */
export function routeForCounsellor<T extends RoutableTicket>(tickets: readonly T[], counsellor: { id: string; languages: readonly string[] }): RoutedTicket<T>[] {
  return tickets
    .map((t) => ({ ...t, section: sectionOf(t, counsellor) }))
    .filter((t): t is RoutedTicket<T> => t.section !== null)
    .sort((a, b) => SECTION_ORDER[a.section] - SECTION_ORDER[b.section] || byAge(a, b));
}

/**
 * A person's place in the queue: 1 + the waiting tickets in the same language opened before
 * theirs (counsellors take each language's queue oldest first).
 */
export function queuePosition(tickets: readonly RoutableTicket[], ticket: RoutableTicket): number {
  return 1 + tickets.filter((t) => t.status === 'waiting' && t.language === ticket.language && t.id !== ticket.id && byAge(t, ticket) < 0).length;
}

/** Waiting tickets per language, for the staff notification and the console header. */
export function waitingByLanguage(tickets: readonly RoutableTicket[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tickets) if (t.status === 'waiting') out[t.language] = (out[t.language] ?? 0) + 1;
  return out;
}
