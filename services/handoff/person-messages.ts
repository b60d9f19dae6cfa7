/**
 * What the person is told about the handoff, in their language: their place in the queue,
 * whether counsellors are on duty (office hours, next opening), what to do in an emergency,
 * and when a counsellor joins, is changed or leaves. Every sentence comes from the
 * `handoff.*` strings of bots/engine/locales; facts (emergency numbers, times) are variables.
 */
import type { Translator } from '../../bots/engine/ports';
import type { Locale, Reply } from '../../bots/engine/types';
import { describeOfficeHours, formatMoment, type OfficeHours } from './office-hours';

/** Emergency numbers in Germany (free, from any phone). */
export const EMERGENCY_NUMBERS = { ambulance: '112', police: '110' } as const;

export interface QueueSituation {
  position: number;
  /** Someone is on duty now. */
  open: boolean;
  /** Next time someone is on duty (when closed); null when no office hours are known. */
  nextOpening: Date | null;
  hours: OfficeHours;
}

/**
 * The reply sent right after the engine's "I am passing the conversation to a counsellor":
 * place in the queue, office hours, the emergency hint — one message, paragraphs.
 */
export function queuedReply(t: Translator, locale: Locale, s: QueueSituation): Reply {
  const hours = describeOfficeHours(s.hours, locale);
  const paragraphs = [t.t(locale, 'handoff.position', { position: s.position })];
  if (s.open) paragraphs.push(t.t(locale, 'handoff.open', { hours }));
  else if (s.nextOpening && hours) paragraphs.push(t.t(locale, 'handoff.closed', { hours, next: formatMoment(s.nextOpening, locale, s.hours.timeZone) }));
  else paragraphs.push(t.t(locale, 'handoff.closedNoNext'));
  paragraphs.push(t.t(locale, 'handoff.emergency', { ...EMERGENCY_NUMBERS }));
  return { text: paragraphs.join('\n\n') };
}

/** A counsellor took the conversation. */
export function joinedText(t: Translator, locale: Locale, counsellorName: string): string {
  return t.t(locale, 'handoff.joined', { name: counsellorName });
}

/** The conversation went to another counsellor. */
export function transferredText(t: Translator, locale: Locale, counsellorName: string): string {
  return t.t(locale, 'handoff.transferred', { name: counsellorName });
}

/** The counsellor resolved the conversation or handed it back: the bot answers again. */
export function leftText(t: Translator, locale: Locale): string {
  return t.t(locale, 'handoff.left');
}

/** Nobody claimed the ticket in time: the bot answers again, said honestly. */
export function returnedText(t: Translator, locale: Locale, hours: OfficeHours): string {
  const described = describeOfficeHours(hours, locale);
  return described ? t.t(locale, 'handoff.returned', { hours: described }) : t.t(locale, 'handoff.returnedNoHours');
}
