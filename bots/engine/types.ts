/**
 * Types shared by the dialogue engine, the channels and the services.
 *
 * The engine is pure: it receives an {@link InboundMessage} and a {@link ConversationState},
 * and returns a {@link TurnResult} — replies to send, the new state, and effects the host
 * performs (handoff, deletion, feedback records). Channels translate platform payloads into
 * `InboundMessage` at their boundary and render `Reply` values back into platform calls.
 */

/** The five interface languages. Content exists in all of them. */
export const LOCALES = ['ru', 'vi', 'es', 'de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Channels the service speaks. A bot instance is one (channel, botId) pair. */
export type ChannelId = 'webchat' | 'telegram' | 'whatsapp' | 'botframework';

/** Media the bot cannot read; answered politely with the offer of a counsellor. */
export type MediaKind = 'photo' | 'voice' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact' | 'other';

/** Fields every inbound message carries, whatever the platform. */
export interface InboundBase {
  channel: ChannelId;
  /** The bot instance that received it (see bots/instances.ts). */
  botId: string;
  /** The person's address on that bot: Telegram chat id, WhatsApp number, web-chat session id. */
  externalUserId: string;
  /** Platform id of this message; (channel, botId, platformMessageId) is unique. */
  platformMessageId: string;
  /** ISO 8601 time the platform says the message was sent (or received, if it says nothing). */
  sentAt: string;
  /** Language the platform suggests (Telegram language_code), a hint only. */
  localeHint?: Locale;
}

/**
 * A message from a person, normalised once at the channel boundary.
 *
 * - `text`: anything typed.
 * - `choice`: a button press; `value` is the `Choice.value` the engine sent earlier.
 * - `command`: `/start`, `/help`, `/language`, `/human`, `/privacy`, `/delete` (without slash);
 *   `payload` is a deep-link parameter (`/start campaign-x`).
 * - `media`: a photo, voice note, document … that the bot cannot read.
 */
export type InboundMessage = InboundBase &
  (
    | { kind: 'text'; text: string }
    | { kind: 'choice'; value: string }
    | { kind: 'command'; command: string; payload?: string }
    | { kind: 'media'; media: MediaKind; caption?: string }
  );

/** A button. `value` is opaque to channels, at most 64 bytes (Telegram callback_data). */
export interface Choice {
  value: string;
  label: string;
}

/** A link shown with an answer (a source, an institution). */
export interface Link {
  label: string;
  url: string;
}

/**
 * One message from the bot, channel-neutral.
 *
 * `text` is plain text (no markup; channels escape it), paragraphs separated by a blank line.
 * `choices` are rendered as buttons where the channel can, else as a numbered list.
 * `links` are rendered as links after the text.
 * Example: `{ text: 'Did this help?', choices: [{ value: 'fb:yes', label: 'Yes' }, …] }`
 */
export interface Reply {
  text: string;
  choices?: Choice[];
  links?: Link[];
}

/** Where the person lives or plans to live; ids come from knowledge-base/regions.yaml. */
export type RegionId = string;

/** Consent to the privacy notice. Until `accepted`, only what is needed to answer is kept. */
export type ConsentStatus = 'pending' | 'accepted' | 'declined';

/** What the engine waits for next. */
export type DialogueStep =
  | 'new'
  | 'awaiting-language'
  | 'awaiting-consent'
  | 'idle'
  | 'awaiting-region'
  | 'awaiting-feedback'
  | 'confirm-delete'
  | 'offered-human';

/**
 * The dialogue state of one conversation, persisted as JSON by the host between turns.
 * Invariant: it is plain JSON (no Dates, no class instances).
 */
export interface ConversationState {
  step: DialogueStep;
  locale: Locale | null;
  consent: ConsentStatus;
  region: RegionId | null;
  /** The topic last answered (for feedback and "more"). */
  lastTopic: string | null;
  /** A topic waiting for the person to choose their region. */
  pendingTopic: string | null;
  /** Consecutive "not helpful" answers; two offer a counsellor. */
  notHelpfulCount: number;
  /** A question asked before consent/language was settled, answered once they are. */
  pendingQuestion: string | null;
  /**
   * True once the person was asked for their region (and chose one or "not decided yet"):
   * the engine asks only once, even when the answer stays `null`.
   */
  regionAsked: boolean;
  /**
   * The question behind `lastTopic`, kept only with consent `accepted` (for the editors'
   * `unanswered` inbox when the answer did not help); `null` otherwise.
   */
  lastQuestion: string | null;
}

/**
 * Work the host performs after the turn is persisted.
 * - `handoff`: pass the conversation to the counsellor queue.
 * - `delete-data`: erase the person's contact, conversations, messages and feedback.
 * - `forget-transcript`: the person declined the privacy notice; drop stored message texts.
 * - `feedback`: store whether an answer helped.
 * - `unanswered`: the bot abstained or the answer did not help; for the editors' inbox.
 * - `consent`: record acceptance or refusal of the privacy notice (with policy version).
 */
export type Effect =
  | { type: 'handoff'; reason: 'requested' | 'no-answer' | 'not-helpful' | 'topic-mode' | 'media'; topic?: string }
  | { type: 'delete-data' }
  | { type: 'forget-transcript' }
  | { type: 'feedback'; topic: string; helpful: boolean }
  | { type: 'unanswered'; text: string; reason: 'abstained' | 'not-helpful'; topic?: string }
  | { type: 'consent'; status: 'accepted' | 'declined'; policyVersion: string };

/** The outcome of one turn. */
export interface TurnResult {
  replies: Reply[];
  state: ConversationState;
  effects: Effect[];
}
