/** Web chat rendering: a Reply becomes one JSON event for the browser (choices are buttons). */
import type { Choice, Link, Reply } from '../../engine/types';

export interface WebchatEvent {
  /** Transcript id (SSE event id), or a random id for replies that are not kept. */
  id: string;
  from: 'bot' | 'counsellor' | 'user' | 'system';
  text: string;
  choices: Choice[];
  links: Link[];
  at: string;
}

export function renderWebchatReply(reply: Reply, id: string, at: Date, from: WebchatEvent['from'] = 'bot'): WebchatEvent {
  return { id, from, text: reply.text, choices: reply.choices ?? [], links: reply.links ?? [], at: at.toISOString() };
}
