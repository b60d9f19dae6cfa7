/**
 * The values of the buttons the engine sends (`Choice.value`) and reads back. Values are
 * short ASCII-prefixed strings, at most {@link CHOICE_VALUE_MAX_BYTES} bytes (Telegram's
 * callback_data limit):
 *
 * | value | meaning |
 * |---|---|
 * | `lang:<locale>` | switch the interface language |
 * | `language` | show the language chooser |
 * | `consent:yes` / `consent:no` | accept / decline the privacy notice |
 * | `menu` | the categories |
 * | `cat:<id>` | the topics of a category |
 * | `topic:<slug>` | answer a topic |
 * | `regions` | show the region chooser |
 * | `region:<id>` / `region:none` | choose a region (ids are data) / "not decided yet" |
 * | `fb:yes` / `fb:no` | feedback on the last answer |
 * | `more:<slug>` | the detail of a topic |
 * | `human` / `human:<reason>` | hand over to a counsellor (reason of the offer) |
 * | `delete:yes` / `delete:no` | confirm / cancel deleting the person's data |
 *
 * The region id `none` is therefore reserved.
 */
import { isLocale, type Effect, type Locale, type RegionId } from './types';

/** Telegram's callback_data limit; longer values are never sent. */
export const CHOICE_VALUE_MAX_BYTES = 64;

/** Why a handoff happens (the `reason` of the `handoff` effect). */
export type HandoffReason = Extract<Effect, { type: 'handoff' }>['reason'];

const HANDOFF_REASONS: readonly HandoffReason[] = ['requested', 'no-answer', 'not-helpful', 'topic-mode', 'media'];

/** A button press, understood. `stale` is anything the engine did not (or no longer) send. */
export type ParsedChoice =
  | { kind: 'language'; locale: Locale | null }
  | { kind: 'consent'; accepted: boolean }
  | { kind: 'menu' }
  | { kind: 'category'; id: string }
  | { kind: 'topic'; slug: string }
  | { kind: 'regions' }
  | { kind: 'region'; id: RegionId | null }
  | { kind: 'feedback'; helpful: boolean }
  | { kind: 'more'; slug: string }
  | { kind: 'human'; reason: HandoffReason }
  | { kind: 'delete-confirm'; confirmed: boolean }
  | { kind: 'stale' };

/** Builders for the values above, so no value is spelled twice. */
export const choiceValue = {
  language: (locale: Locale) => `lang:${locale}`,
  languageChooser: () => 'language',
  consent: (accepted: boolean) => (accepted ? 'consent:yes' : 'consent:no'),
  menu: () => 'menu',
  category: (id: string) => `cat:${id}`,
  topic: (slug: string) => `topic:${slug}`,
  regions: () => 'regions',
  region: (id: RegionId | null) => `region:${id ?? 'none'}`,
  feedback: (helpful: boolean) => (helpful ? 'fb:yes' : 'fb:no'),
  more: (slug: string) => `more:${slug}`,
  human: (reason: HandoffReason = 'requested') => (reason === 'requested' ? 'human' : `human:${reason}`),
  deleteConfirm: (confirmed: boolean) => (confirmed ? 'delete:yes' : 'delete:no'),
} as const;

/** True when the value can be sent as a button (at most 64 bytes of UTF-8). */
export function fitsChoiceValue(value: string): boolean {
  return new TextEncoder().encode(value).length <= CHOICE_VALUE_MAX_BYTES;
}

/**
 * Reads a button value back. Never throws: anything unknown is `{ kind: 'stale' }`.
 * @example parseChoice('topic:eu-blue-card') // { kind: 'topic', slug: 'eu-blue-card' }
 */
export function parseChoice(value: string): ParsedChoice {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? value : value.slice(0, colon);
  const arg = colon < 0 ? null : value.slice(colon + 1);
  switch (prefix) {
    case 'language':
      return arg === null ? { kind: 'language', locale: null } : { kind: 'stale' };
    case 'lang':
      return isLocale(arg) ? { kind: 'language', locale: arg } : { kind: 'stale' };
    case 'consent':
      return arg === 'yes' || arg === 'no' ? { kind: 'consent', accepted: arg === 'yes' } : { kind: 'stale' };
    case 'menu':
      return arg === null ? { kind: 'menu' } : { kind: 'stale' };
    case 'cat':
      return arg ? { kind: 'category', id: arg } : { kind: 'stale' };
    case 'topic':
      return arg ? { kind: 'topic', slug: arg } : { kind: 'stale' };
    case 'regions':
      return arg === null ? { kind: 'regions' } : { kind: 'stale' };
    case 'region':
      return arg ? { kind: 'region', id: arg === 'none' ? null : arg } : { kind: 'stale' };
    case 'fb':
      return arg === 'yes' || arg === 'no' ? { kind: 'feedback', helpful: arg === 'yes' } : { kind: 'stale' };
    case 'more':
      return arg ? { kind: 'more', slug: arg } : { kind: 'stale' };
    case 'human': {
      if (arg === null) return { kind: 'human', reason: 'requested' };
      const reason = HANDOFF_REASONS.find((r) => r === arg);
      return reason ? { kind: 'human', reason } : { kind: 'human', reason: 'requested' };
    }
    case 'delete':
      return arg === 'yes' || arg === 'no' ? { kind: 'delete-confirm', confirmed: arg === 'yes' } : { kind: 'stale' };
    default:
      return { kind: 'stale' };
  }
}
