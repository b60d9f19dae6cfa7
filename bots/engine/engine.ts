/**
 * The dialogue engine: one pure, synchronous function from (message, state) to
 * (replies, new state, effects). It performs no I/O, reads no clock or environment and
 * imports nothing outside bots/engine; the host persists the state, sends the replies and
 * performs the effects (see {@link Effect}).
 *
 * Flow in short:
 * - first contact: greeting, privacy notice (accept / decline), language chooser; a question
 *   asked meanwhile is kept and answered once consent is settled (either way);
 * - free text: engine intents first (counsellor, delete my data, language, menu, greeting,
 *   thanks), otherwise the knowledge base: an answer (asking the region once when it
 *   matters), "Did you mean…" on low confidence, or an honest "no answer" with a counsellor;
 * - buttons and commands: see choice-value.ts and read-message.ts.
 */
import { choiceValue, type HandoffReason } from './choice-value';
import { formatList } from './format-list';
import { renderLanguageChooser } from './language-chooser';
import { renderCategoryTopics, renderMenu, type MenuContext } from './menu';
import { findMentionedRegion } from './match-region';
import { normalizeText } from './normalize-text';
import type { Clock, InstitutionView, KnowledgeBase, Translator } from './ports';
import { renderPrivacyNotice } from './privacy-notice';
import { readMessage, readText, type Action } from './read-message';
import { renderRegionQuestion } from './region-question';
import { renderAnswer, renderFeedbackQuestion, type RegionalPart } from './render-answer';
import { createSay, type Say } from './say';
import { createInitialState, normalizeState } from './state';
import {
  isLocale,
  type ChannelId,
  type Choice,
  type ConversationState,
  type Effect,
  type InboundMessage,
  type Locale,
  type RegionId,
  type Reply,
  type TurnResult,
} from './types';

/** What the engine is built from: the ports, plus privacy configuration of the host. */
export interface DialogueEngineDeps {
  kb: KnowledgeBase;
  t: Translator;
  clock: Clock;
  /** Version of the privacy notice; recorded with every `consent` effect. */
  policyVersion: string;
  /** Days after which the host deletes conversations; the notice states it when given. */
  retentionDays?: number;
  /** URL of the full privacy policy, linked from the notice when given. */
  privacyUrl?: string;
}

/** Per-turn facts about the bot instance that received the message. */
export interface TurnContext {
  /** The bot's language: used for a new conversation and when the state has none. */
  defaultLocale: Locale;
  channel: ChannelId;
}

/** The engine: call `handle` once per inbound message, with the persisted state. */
export interface DialogueEngine {
  /**
   * Handles one message. Never throws: unexpected input or a failing port gives a polite
   * reply and the unchanged state.
   * @param state the persisted state, or `null` for a conversation the bot has not seen
   */
  handle(message: InboundMessage, state: ConversationState | null, ctx: TurnContext): TurnResult;
  /** The state of a new conversation (step `new`, consent pending). */
  initialState(defaultLocale: Locale): ConversationState;
}

/** A message must have at least this many words before its detected language replaces the current one. */
export const LANGUAGE_SWITCH_MIN_WORDS = 3;
/** Consecutive "not helpful" answers after which a counsellor is offered. */
export const NOT_HELPFUL_OFFER_THRESHOLD = 2;
/** Topics offered in "Did you mean…". */
export const DID_YOU_MEAN_MAX_TOPICS = 3;

/** The working copy of one turn. */
interface Turn {
  state: ConversationState;
  replies: Reply[];
  effects: Effect[];
  defaultLocale: Locale;
}

/**
 * Builds the dialogue engine.
 *
 * @example
 * ```ts
 * const engine = createDialogueEngine({ kb, t: createTranslator(), clock, policyVersion: '2026-11' });
 * const { replies, state, effects } = engine.handle(message, stored ?? null, { defaultLocale: 'ru', channel: 'telegram' });
 * // persist `state`, send `replies`, then perform `effects` (handoff, delete-data, consent …)
 * ```
 */
export function createDialogueEngine(deps: DialogueEngineDeps): DialogueEngine {
  const { kb, clock } = deps;
  const translator: Translator = deps.t;

  // --- small helpers -------------------------------------------------------------------

  const localeOf = (turn: Turn): Locale => turn.state.locale ?? turn.defaultLocale;
  const sayIn = (turn: Turn): Say => createSay(translator, localeOf(turn));
  const menuContext = (turn: Turn): MenuContext => ({
    kb,
    locale: localeOf(turn),
    region: turn.state.region,
    say: sayIn(turn),
  });
  const menuChoice = (say: Say): Choice => ({ value: choiceValue.menu(), label: say('menu.open') });
  const humanChoice = (say: Say, reason: HandoffReason): Choice => ({
    value: choiceValue.human(reason),
    label: say('human.offer'),
  });
  /** Texts of the person are kept (in state and effects) only with accepted consent. */
  const keepText = (turn: Turn, text: string): string => (turn.state.consent === 'accepted' ? text : '');

  function privacyNotice(turn: Turn): Reply {
    return renderPrivacyNotice(sayIn(turn), {
      consent: turn.state.consent,
      retentionDays: deps.retentionDays,
      privacyUrl: deps.privacyUrl,
    });
  }

  function greet(turn: Turn, withPendingQuestion: boolean): void {
    const say = sayIn(turn);
    const regions = kb.regions(localeOf(turn)).map((r) => r.name);
    const intro = regions.length > 0 ? say('greeting.intro', { regions: formatList(regions, say) }) : say('greeting.introNoRegions');
    const parts = [intro, say('greeting.whatIDo')];
    if (withPendingQuestion) parts.push(say('greeting.pendingQuestion'));
    turn.replies.push({ text: parts.join('\n\n') });
    turn.replies.push(privacyNotice(turn));
    turn.replies.push(renderLanguageChooser(translator, localeOf(turn)));
  }

  function remindConsent(turn: Turn, key: string): void {
    const notice = privacyNotice(turn);
    turn.replies.push({ ...notice, text: `${sayIn(turn)(key)}\n\n${notice.text}` });
  }

  function showMenu(turn: Turn, prefixKey?: string): void {
    const menu = renderMenu(menuContext(turn));
    const text = prefixKey ? `${sayIn(turn)(prefixKey)}\n\n${menu.text}` : menu.text;
    turn.replies.push({ ...menu, text });
    turn.state.step = 'idle';
  }

  function stale(turn: Turn): void {
    showMenu(turn, 'stale.choice');
  }

  function idleStep(turn: Turn): ConversationState['step'] {
    return turn.state.consent === 'pending' ? 'awaiting-consent' : 'idle';
  }

  // --- language ------------------------------------------------------------------------

  /**
   * Switches the interface language. `offerBack` adds a button, labelled in the previous
   * language, to return to it (for typed or detected switches, which may be mistaken).
   */
  function switchLanguage(turn: Turn, locale: Locale, how: 'chosen' | 'typed' | 'detected'): void {
    const previous = localeOf(turn);
    turn.state.locale = locale;
    const say = sayIn(turn);
    const choices: Choice[] = [];
    if (previous !== locale && how !== 'chosen') {
      choices.push({ value: choiceValue.language(previous), label: translator.t(previous, 'language.stay') });
    }
    const text = how === 'detected' ? say('language.detected') : say('language.switched');
    if (how !== 'detected' && turn.state.consent !== 'pending') choices.push(menuChoice(say));
    turn.replies.push(choices.length > 0 ? { text, choices } : { text });
  }

  // --- consent -------------------------------------------------------------------------

  function settleConsent(turn: Turn, accepted: boolean): void {
    const status = accepted ? 'accepted' : 'declined';
    const changed = turn.state.consent !== status;
    turn.state.consent = status;
    turn.state.step = 'idle';
    if (changed) {
      turn.effects.push({ type: 'consent', status, policyVersion: deps.policyVersion });
      if (!accepted) turn.effects.push({ type: 'forget-transcript' });
    }
    if (!accepted) turn.state.lastQuestion = null;

    const pending = turn.state.pendingQuestion;
    turn.state.pendingQuestion = null;
    const say = sayIn(turn);
    if (pending) {
      turn.replies.push({ text: say(accepted ? 'privacy.acceptedWithQuestion' : 'privacy.declinedWithQuestion') });
      const action = readText(pending, { step: 'idle', regions: [] });
      if (action.kind === 'question') answerQuestion(turn, action.text);
      else handleSettled(turn, action);
      return;
    }
    turn.replies.push({ text: say(accepted ? 'privacy.accepted' : 'privacy.declined'), choices: [menuChoice(say)] });
  }

  // --- answers -------------------------------------------------------------------------

  function askRegion(turn: Turn, slug: string | null): void {
    turn.state.pendingTopic = slug;
    turn.state.regionAsked = true;
    turn.state.step = 'awaiting-region';
    turn.replies.push(renderRegionQuestion(kb.regions(localeOf(turn)), sayIn(turn), slug ? 'topic' : 'menu'));
  }

  /**
   * Answers a topic. For a topic that differs by region: the region named in the question
   * wins (and is remembered if none was known), else the known one; if none is known and the
   * person was not asked yet, they are asked once.
   */
  function answerTopic(turn: Turn, slug: string, question: string | null = null): void {
    const locale = localeOf(turn);
    const today = clock.today();
    let region = turn.state.region;
    let answer = kb.answer(slug, locale, { region, today });
    turn.state.pendingTopic = null;
    if (!answer) {
      stale(turn);
      return;
    }
    const regions = kb.regions(locale);
    const mentioned = answer.regionDependent && question ? findMentionedRegion(question, regions) : null;
    if (mentioned !== null && mentioned !== region) {
      if (region === null) {
        turn.state.region = mentioned;
        turn.state.regionAsked = true;
      }
      region = mentioned;
      answer = kb.answer(slug, locale, { region, today }) ?? answer;
    }
    if (answer.regionDependent && region === null && !turn.state.regionAsked && regions.length > 0) {
      askRegion(turn, slug);
      return;
    }

    const regionalParts: RegionalPart[] = [];
    const institutions: InstitutionView[] = [...answer.institutions];
    let allRegions = false;
    const current = regions.find((r) => r.id === region);
    if (current) {
      if (answer.regionalText) regionalParts.push({ regionName: current.name, text: answer.regionalText });
    } else if (answer.regionDependent) {
      // Region not decided: the general part, then what differs in each region.
      allRegions = true;
      for (const region of regions) {
        const regional = kb.answer(slug, locale, { region: region.id, today });
        if (!regional) continue;
        if (regional.regionalText) regionalParts.push({ regionName: region.name, text: regional.regionalText });
        institutions.push(...regional.institutions);
      }
    }
    const seen = new Set<string>();
    const uniqueInstitutions = institutions.filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)));

    turn.replies.push(
      ...renderAnswer({ answer, regionalParts, allRegions, institutions: uniqueInstitutions, say: sayIn(turn) }),
    );
    turn.state.lastTopic = answer.slug;
    turn.state.step = answer.mode === 'handoff' ? 'offered-human' : 'awaiting-feedback';
  }

  function answerQuestion(turn: Turn, text: string): void {
    const classification = kb.classify(text, localeOf(turn));
    const detected = classification.lang;
    if (
      isLocale(detected) &&
      detected !== localeOf(turn) &&
      normalizeText(text).split(' ').length >= LANGUAGE_SWITCH_MIN_WORDS
    ) {
      switchLanguage(turn, detected, 'detected');
    }
    turn.state.lastQuestion = keepText(turn, text) || null;
    turn.state.pendingTopic = null;

    if (classification.topic) {
      answerTopic(turn, classification.topic, text);
      return;
    }
    const locale = localeOf(turn);
    const say = sayIn(turn);
    const seen = new Set<string>();
    const candidates = [...classification.candidates]
      .filter((c) => c && typeof c.slug === 'string' && !seen.has(c.slug) && (seen.add(c.slug), true))
      .sort((a, b) => b.score - a.score)
      .map((c) => ({ slug: c.slug, title: kb.topicTitle(c.slug, locale) }))
      .filter((c): c is { slug: string; title: string } => typeof c.title === 'string' && c.title.length > 0)
      .slice(0, DID_YOU_MEAN_MAX_TOPICS);

    if (candidates.length > 0) {
      turn.replies.push({
        text: say('didYouMean.question'),
        choices: [
          ...candidates.map((c) => ({ value: choiceValue.topic(c.slug), label: c.title })),
          humanChoice(say, 'no-answer'),
        ],
      });
      turn.state.step = 'idle';
      return;
    }

    turn.effects.push({ type: 'unanswered', text: keepText(turn, text), reason: 'abstained' });
    turn.replies.push({
      text: `${say('notFound.text')}\n\n${say('notFound.rephrase')}`,
      choices: [humanChoice(say, 'no-answer'), menuChoice(say)],
    });
    turn.state.step = 'offered-human';
  }

  function chooseRegion(turn: Turn, id: RegionId | null): void {
    const regions = kb.regions(localeOf(turn));
    const region = id === null ? null : regions.find((r) => r.id === id);
    if (region === undefined) {
      stale(turn);
      return;
    }
    turn.state.region = region ? region.id : null;
    turn.state.regionAsked = true;
    const pending = turn.state.pendingTopic;
    if (pending) {
      answerTopic(turn, pending);
      return;
    }
    const say = sayIn(turn);
    turn.replies.push({
      text: region ? say('region.saved', { region: region.name }) : say('region.cleared'),
      choices: [menuChoice(say)],
    });
    turn.state.step = 'idle';
  }

  function showMore(turn: Turn, slug: string): void {
    const answer = kb.answer(slug, localeOf(turn), { region: turn.state.region, today: clock.today() });
    if (!answer || !answer.more) {
      stale(turn);
      return;
    }
    const say = sayIn(turn);
    turn.replies.push({ text: `${answer.title.trim()}\n\n${answer.more.trim()}` });
    turn.replies.push(renderFeedbackQuestion(say));
    turn.state.lastTopic = answer.slug;
    turn.state.step = 'awaiting-feedback';
  }

  function recordFeedback(turn: Turn, helpful: boolean): void {
    const topic = turn.state.lastTopic;
    if (turn.state.step !== 'awaiting-feedback' || !topic) {
      stale(turn);
      return;
    }
    const say = sayIn(turn);
    turn.effects.push({ type: 'feedback', topic, helpful });
    if (helpful) {
      turn.state.notHelpfulCount = 0;
      turn.state.lastQuestion = null;
      turn.replies.push({ text: say('feedback.thanks'), choices: [menuChoice(say)] });
      turn.state.step = 'idle';
      return;
    }
    turn.effects.push({ type: 'unanswered', text: turn.state.lastQuestion ?? '', reason: 'not-helpful', topic });
    turn.state.lastQuestion = null;
    turn.state.notHelpfulCount += 1;
    if (turn.state.notHelpfulCount >= NOT_HELPFUL_OFFER_THRESHOLD) {
      turn.replies.push({ text: say('feedback.offerHuman'), choices: [humanChoice(say, 'not-helpful'), menuChoice(say)] });
      turn.state.step = 'offered-human';
      return;
    }
    turn.replies.push({ text: say('feedback.rephrase'), choices: [menuChoice(say)] });
    turn.state.step = 'idle';
  }

  // --- counsellor, deletion, media -----------------------------------------------------

  function handOff(turn: Turn, reason: HandoffReason): void {
    const topic = turn.state.lastTopic;
    turn.effects.push(topic ? { type: 'handoff', reason, topic } : { type: 'handoff', reason });
    turn.replies.push({ text: sayIn(turn)('human.takeover') });
    turn.state.notHelpfulCount = 0;
    turn.state.step = idleStep(turn);
  }

  function askDelete(turn: Turn): void {
    const say = sayIn(turn);
    turn.replies.push({
      text: say('delete.confirm'),
      choices: [
        { value: choiceValue.deleteConfirm(true), label: say('delete.yes') },
        { value: choiceValue.deleteConfirm(false), label: say('delete.no') },
      ],
    });
    turn.state.step = 'confirm-delete';
  }

  function confirmDelete(turn: Turn, confirmed: boolean): void {
    const say = sayIn(turn);
    if (confirmed) {
      turn.effects.push({ type: 'delete-data' });
      turn.replies.push({ text: say('delete.done') });
      turn.state = createInitialState(turn.defaultLocale);
      return;
    }
    turn.state.step = idleStep(turn);
    if (turn.state.consent === 'pending') {
      remindConsent(turn, 'delete.cancelled');
      return;
    }
    turn.replies.push({ text: say('delete.cancelled'), choices: [menuChoice(say)] });
  }

  function replyToMedia(turn: Turn): void {
    const say = sayIn(turn);
    turn.replies.push({ text: say('media.unsupported'), choices: [humanChoice(say, 'media'), menuChoice(say)] });
  }

  // --- routing ---------------------------------------------------------------------------

  /** A conversation the bot has not spoken in: greeting, privacy notice, language chooser. */
  function handleFirstContact(turn: Turn, action: Action): void {
    turn.state = { ...createInitialState(localeOf(turn)), step: 'awaiting-consent' };
    switch (action.kind) {
      case 'consent': // a button of an earlier notice (e.g. after deleting data)
        settleConsent(turn, action.accepted);
        return;
      case 'language':
        if (action.locale) turn.state.locale = action.locale;
        greet(turn, false);
        return;
      case 'question':
        turn.state.pendingQuestion = action.text;
        greet(turn, true);
        return;
      case 'human':
        greet(turn, false);
        handOff(turn, action.reason);
        return;
      case 'delete':
        greet(turn, false);
        askDelete(turn);
        return;
      case 'media':
        greet(turn, false);
        replyToMedia(turn);
        return;
      default:
        greet(turn, false);
    }
  }

  /** Consent not settled: only what must work at once works; everything else waits. */
  function handlePendingConsent(turn: Turn, action: Action): void {
    const confirming = turn.state.step === 'confirm-delete';
    turn.state.step = 'awaiting-consent';
    switch (action.kind) {
      case 'consent':
        settleConsent(turn, action.accepted);
        return;
      case 'language':
        if (action.locale) {
          switchLanguage(turn, action.locale, action.typed ? 'typed' : 'chosen');
          turn.replies.push(privacyNotice(turn));
        } else {
          turn.replies.push(renderLanguageChooser(translator, localeOf(turn)));
        }
        return;
      case 'human':
        handOff(turn, action.reason);
        return;
      case 'delete':
        askDelete(turn);
        return;
      case 'delete-confirm':
        if (confirming) confirmDelete(turn, action.confirmed);
        else remindConsent(turn, 'privacy.remind');
        return;
      case 'question':
        turn.state.pendingQuestion = action.text;
        remindConsent(turn, 'privacy.remindQuestion');
        return;
      case 'media':
        replyToMedia(turn);
        remindConsent(turn, 'privacy.remind');
        return;
      default:
        remindConsent(turn, 'privacy.remind');
    }
  }

  /** Consent accepted or declined: the full dialogue. */
  function handleSettled(turn: Turn, action: Action): void {
    const confirming = turn.state.step === 'confirm-delete';
    if (confirming && action.kind !== 'delete-confirm') turn.state.step = 'idle';
    const say = sayIn(turn);
    switch (action.kind) {
      case 'start':
        turn.replies.push({ text: say('greeting.welcomeBack') });
        showMenu(turn);
        return;
      case 'help':
        turn.replies.push({
          text: say('help.text', { phrase: say('delete.phrase') }),
          choices: [
            menuChoice(say),
            { value: choiceValue.languageChooser(), label: say('language.open') },
            humanChoice(say, 'requested'),
          ],
        });
        turn.state.step = 'idle';
        return;
      case 'privacy':
        turn.replies.push(privacyNotice(turn));
        turn.state.step = 'idle';
        return;
      case 'language':
        if (action.locale) {
          switchLanguage(turn, action.locale, action.typed ? 'typed' : 'chosen');
          turn.state.step = 'idle';
        } else {
          turn.replies.push(renderLanguageChooser(translator, localeOf(turn)));
          turn.state.step = 'awaiting-language';
        }
        return;
      case 'consent':
        settleConsent(turn, action.accepted);
        return;
      case 'menu':
        showMenu(turn);
        return;
      case 'category': {
        const reply = renderCategoryTopics(menuContext(turn), action.id);
        if (!reply) {
          stale(turn);
          return;
        }
        turn.replies.push(reply);
        turn.state.step = 'idle';
        return;
      }
      case 'topic':
        turn.state.lastQuestion = null;
        answerTopic(turn, action.slug);
        return;
      case 'regions':
        askRegion(turn, null);
        return;
      case 'region':
        chooseRegion(turn, action.id);
        return;
      case 'feedback':
        recordFeedback(turn, action.helpful);
        return;
      case 'more':
        showMore(turn, action.slug);
        return;
      case 'human':
        handOff(turn, action.reason);
        return;
      case 'delete':
        askDelete(turn);
        return;
      case 'delete-confirm':
        if (confirming) confirmDelete(turn, action.confirmed);
        else stale(turn);
        return;
      case 'greeting':
        turn.replies.push({ text: say('greeting.short'), choices: [menuChoice(say)] });
        turn.state.step = 'idle';
        return;
      case 'thanks':
        turn.replies.push({ text: say('thanks.reply'), choices: [menuChoice(say)] });
        turn.state.step = 'idle';
        return;
      case 'ack':
        turn.replies.push({ text: say('menu.hint'), choices: [menuChoice(say)] });
        turn.state.step = 'idle';
        return;
      case 'question':
        answerQuestion(turn, action.text);
        return;
      case 'empty':
        turn.replies.push({ text: say('input.empty'), choices: [menuChoice(say)] });
        return;
      case 'media':
        replyToMedia(turn);
        return;
      case 'unknown-command':
        showMenu(turn, 'input.unknownCommand');
        return;
      case 'stale':
        stale(turn);
        return;
      case 'unknown':
        turn.replies.push({ text: say('input.unknown'), choices: [menuChoice(say)] });
        return;
      default: {
        const unhandled: never = action;
        void unhandled;
        stale(turn);
      }
    }
  }

  // --- the turn --------------------------------------------------------------------------

  function regionIds(locale: Locale): RegionId[] {
    return kb.regions(locale).map((r) => r.id);
  }

  function safeState(raw: unknown, defaultLocale: Locale): ConversationState {
    try {
      return normalizeState(raw, defaultLocale, regionIds(defaultLocale)) ?? createInitialState(defaultLocale);
    } catch {
      const region = (raw as { region?: unknown } | null)?.region;
      return normalizeState(raw, defaultLocale, typeof region === 'string' ? [region] : []) ?? createInitialState(defaultLocale);
    }
  }

  /** The apology for a failed turn; nothing at all if even the translator fails. */
  function errorReplies(locale: Locale): Reply[] {
    try {
      return [{ text: translator.t(locale, 'error.generic') }];
    } catch {
      return [];
    }
  }

  function handle(message: InboundMessage, state: ConversationState | null, ctx: TurnContext): TurnResult {
    const defaultLocale: Locale = isLocale(ctx?.defaultLocale) ? ctx.defaultLocale : 'en';
    try {
      const loaded = normalizeState(state, defaultLocale, regionIds(defaultLocale));
      const turn: Turn = {
        state: loaded ?? createInitialState(defaultLocale),
        replies: [],
        effects: [],
        defaultLocale,
      };
      const isMessage = message !== null && typeof message === 'object';
      const action: Action = isMessage
        ? readMessage(message, { step: turn.state.step, regions: kb.regions(localeOf(turn)) })
        : { kind: 'unknown' };
      if (turn.state.step === 'new') handleFirstContact(turn, action);
      else if (turn.state.consent === 'pending') handlePendingConsent(turn, action);
      else handleSettled(turn, action);
      return { replies: turn.replies, state: turn.state, effects: turn.effects };
    } catch {
      const fallback = safeState(state, defaultLocale);
      return { replies: errorReplies(fallback.locale ?? defaultLocale), state: fallback, effects: [] };
    }
  }

  return { handle, initialState: (defaultLocale: Locale) => createInitialState(defaultLocale) };
}
