/**
 * The handoff service's side of a turn (TurnHooks): on a `handoff` effect, inside the turn's
 * transaction, the queue takes the conversation and a ticket is opened; the person is told
 * their place in the queue, the office hours and the emergency numbers. After the commit the
 * ticket's timers are scheduled and the console is told. Messages that arrive while the queue
 * or a counsellor owns the conversation are stored by the turn; the console is told live.
 */
import type { Queue } from 'bullmq';
import type { Translator } from '../../bots/engine/ports';
import type { LiveHub } from '../conversation/live';
import type { TurnHooks } from '../conversation/turn';
import { scheduleTicketTimers } from './jobs';
import { CONSOLE_TOPIC, type ConsoleEvent } from './live-events';
import { isOpen, nextOpening, officeDeadline } from './office-hours';
import { queuedReply } from './person-messages';
import type { HandoffSettings } from './settings';
import { openTicket, type Ticket } from './tickets';

export interface HandoffHooksDeps {
  t: Translator;
  settings: HandoffSettings;
  queue: Queue;
  live: LiveHub;
  log: { warn(obj: object, msg: string): void };
  /** Injected for tests; defaults to the real time. */
  now?: () => Date;
}

export function createHandoffHooks(deps: HandoffHooksDeps): TurnHooks {
  // Per process, between a turn's hook calls and its commit (the same worker runs both).
  const opened = new Map<string, Ticket>();
  const touched = new Set<string>();
  const publish = (event: ConsoleEvent) =>
    deps.live.publish(CONSOLE_TOPIC, event).catch((err: Error) => deps.log.warn({ err: err.message }, 'console live update failed'));

  return {
    async onHandoff(tx, conversation, effect, locale) {
      const now = deps.now?.() ?? new Date();
      const { hours, slaMs, returnAfterMs } = deps.settings;
      const open = isOpen(hours, now);
      const next = open ? now : nextOpening(hours, now);
      const { ticket, position } = await openTicket(tx, {
        conversationId: conversation.id,
        language: locale,
        reason: effect.reason,
        topic: effect.topic ?? null,
        now,
        notifyDueAt: next ?? now,
        slaDueAt: officeDeadline(hours, now, slaMs),
        returnDueAt: officeDeadline(hours, now, returnAfterMs),
      });
      opened.set(conversation.id, ticket);
      return [queuedReply(deps.t, locale, { position, open, nextOpening: next, hours })];
    },

    async onMessageWhileHandedOff(_tx, conversation) {
      touched.add(conversation.id);
    },

    afterCommit(conversationId) {
      const ticket = opened.get(conversationId);
      opened.delete(conversationId);
      if (ticket) {
        // If Redis is unavailable now, the recovery sweep schedules the timers from the ticket.
        void scheduleTicketTimers(deps.queue, ticket).catch((err: Error) =>
          deps.log.warn({ err: err.message, ticketId: ticket.id }, 'handoff timers not scheduled; the sweep will retry'),
        );
        void publish({ type: 'ticket', ticketId: ticket.id, conversationId, status: ticket.status });
      }
      if (touched.delete(conversationId)) void publish({ type: 'message', conversationId });
    },
  };
}
