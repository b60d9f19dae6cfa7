/**
 * Turns an inbound message (button, command, text, media) into one {@link Action}: what the
 * person wants from the engine this turn. The dialogue then only switches on actions.
 * Never throws; malformed input becomes `stale`, `empty` or `unknown`.
 */
import { parseChoice, type ParsedChoice } from './choice-value';
import { detectIntent } from './intents';
import { matchRegion } from './match-region';
import type { RegionView } from './ports';
import type { DialogueStep, InboundMessage, Locale } from './types';

/** Longest question kept (characters); longer texts are cut before classification. */
export const QUESTION_MAX_CHARS = 2000;

/** What the person asks of the engine this turn. */
export type Action =
  | Exclude<ParsedChoice, { kind: 'language' }>
  /** `typed`: the person wrote the language's name (maybe by mistake) rather than pressing a button. */
  | { kind: 'language'; locale: Locale | null; typed: boolean }
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'privacy' }
  | { kind: 'delete' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  | { kind: 'ack' }
  | { kind: 'question'; text: string }
  | { kind: 'empty' }
  | { kind: 'media' }
  | { kind: 'unknown-command' }
  | { kind: 'unknown' };

/** What reading a message depends on besides the message. */
export interface ReadContext {
  step: DialogueStep;
  regions: readonly RegionView[];
}

function readCommand(command: string): Action {
  switch (command.trim().replace(/^\//, '').toLowerCase()) {
    case 'start':
      return { kind: 'start' };
    case 'help':
      return { kind: 'help' };
    case 'language':
      return { kind: 'language', locale: null, typed: false };
    case 'human':
      return { kind: 'human', reason: 'requested' };
    case 'privacy':
      return { kind: 'privacy' };
    case 'delete':
      return { kind: 'delete' };
    case 'menu':
      return { kind: 'menu' };
    default:
      return { kind: 'unknown-command' };
  }
}

function readChoice(value: string): Action {
  const choice = parseChoice(value);
  return choice.kind === 'language' ? { ...choice, typed: false } : choice;
}

/**
 * Reads a free-text message: an engine intent, a typed region (when one was asked for),
 * or a question for the knowledge base.
 */
export function readText(raw: string, ctx: ReadContext): Action {
  const text = raw.trim().slice(0, QUESTION_MAX_CHARS);
  if (!/[\p{L}\p{N}]/u.test(text)) return { kind: 'empty' };
  if (ctx.step === 'awaiting-region') {
    const region = matchRegion(text, ctx.regions);
    if (region !== null) return { kind: 'region', id: region };
  }
  const intent = detectIntent(text);
  if (intent === null) return { kind: 'question', text };
  if (intent.kind === 'human') return { kind: 'human', reason: 'requested' };
  if (intent.kind === 'language') return { ...intent, typed: true };
  return intent;
}

/**
 * @example readMessage({ kind: 'command', command: 'delete', … }, ctx) // { kind: 'delete' }
 */
export function readMessage(message: InboundMessage, ctx: ReadContext): Action {
  switch (message.kind) {
    case 'choice':
      return typeof message.value === 'string' ? readChoice(message.value) : { kind: 'stale' };
    case 'command':
      return typeof message.command === 'string' ? readCommand(message.command) : { kind: 'unknown-command' };
    case 'text':
      return typeof message.text === 'string' ? readText(message.text, ctx) : { kind: 'empty' };
    case 'media':
      return { kind: 'media' };
    default:
      return { kind: 'unknown' };
  }
}
