/** Outcome categories a counsellor picks when resolving a ticket (for reporting). */
export const OUTCOMES = [
  { id: 'advice-given', label: 'Advice given' },
  { id: 'referred', label: 'Referred to an institution' },
  { id: 'follow-up-needed', label: 'Follow-up needed (outside the chat)' },
  { id: 'person-unresponsive', label: 'Person did not answer' },
  { id: 'out-of-scope', label: 'Out of scope' },
  { id: 'abuse-or-spam', label: 'Abuse or spam' },
] as const;

export type OutcomeId = (typeof OUTCOMES)[number]['id'];

export function isOutcome(value: unknown): value is OutcomeId {
  return typeof value === 'string' && OUTCOMES.some((o) => o.id === value);
}
