/**
 * The conversation state's lifecycle helpers: the state of a new conversation, and the
 * repair of a state loaded from storage (older versions, missing or invalid fields), so the
 * engine never trusts persisted JSON blindly.
 */
import { isLocale, type ConversationState, type DialogueStep, type Locale, type RegionId } from './types';

const STEPS: readonly DialogueStep[] = [
  'new',
  'awaiting-language',
  'awaiting-consent',
  'idle',
  'awaiting-region',
  'awaiting-feedback',
  'confirm-delete',
  'offered-human',
];

/**
 * The state of a conversation the bot has not spoken in yet (also after deleting data).
 * @example createInitialState('ru') // { step: 'new', locale: 'ru', consent: 'pending', … }
 */
export function createInitialState(defaultLocale: Locale): ConversationState {
  return {
    step: 'new',
    locale: defaultLocale,
    consent: 'pending',
    region: null,
    regionAsked: false,
    lastTopic: null,
    lastQuestion: null,
    pendingTopic: null,
    pendingQuestion: null,
    notHelpfulCount: 0,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Repairs a persisted state: unknown fields dropped, missing or invalid ones defaulted, a
 * region that no longer exists (removed from the content) forgotten. `null` (or anything
 * that is not an object) means a new conversation.
 */
export function normalizeState(
  raw: unknown,
  defaultLocale: Locale,
  knownRegions: readonly RegionId[],
): ConversationState | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const s = raw as Partial<Record<keyof ConversationState, unknown>>;
  const base = createInitialState(defaultLocale);
  const region = typeof s.region === 'string' && knownRegions.includes(s.region) ? s.region : null;
  const count = typeof s.notHelpfulCount === 'number' && Number.isFinite(s.notHelpfulCount) ? s.notHelpfulCount : 0;
  return {
    step: STEPS.find((step) => step === s.step) ?? base.step,
    locale: isLocale(s.locale) ? s.locale : base.locale,
    consent: s.consent === 'accepted' || s.consent === 'declined' || s.consent === 'pending' ? s.consent : 'pending',
    region,
    regionAsked: s.regionAsked === true || region !== null,
    lastTopic: stringOrNull(s.lastTopic),
    lastQuestion: stringOrNull(s.lastQuestion),
    pendingTopic: stringOrNull(s.pendingTopic),
    pendingQuestion: stringOrNull(s.pendingQuestion),
    notHelpfulCount: Math.max(0, Math.floor(count)),
  };
}
