/**
 * Formats an ISO date (YYYY-MM-DD, optionally followed by a time) for people, with the
 * month names and order of the interface language (`date.format`, `date.month.1` … `12`).
 * Pure: no `Date`, no `Intl`, no time zone; an unreadable value is shown as it is.
 *
 * @example formatDate('2026-11-27', say) // en: "27 November 2026", de: "27. November 2026"
 */
import type { Say } from './say';

export function formatDate(iso: string, say: Say): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return iso;
  return say('date.format', { day, month, monthName: say(`date.month.${month}`), year });
}
