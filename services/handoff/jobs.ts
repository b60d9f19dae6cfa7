/**
 * The BullMQ `handoff` queue: timers around a waiting ticket. PostgreSQL stays the truth —
 * every job re-reads the ticket and does nothing when it is no longer waiting, and every job
 * is re-created from the ticket's columns by the recovery sweep if Redis lost it.
 *
 * - `notify-staff`: tell the team on duty (at once, or when office hours begin).
 * - `sla-reminder`: still unclaimed after HANDOFF_SLA_MINUTES of office time → remind the team.
 * - `return-to-bot`: still unclaimed after HANDOFF_RETURN_AFTER_MINUTES → back to the bot.
 */
import type { Queue } from 'bullmq';
import type { Ticket } from './tickets';

export const HANDOFF_QUEUE = 'handoff';

export type HandoffJobName = 'notify-staff' | 'sla-reminder' | 'return-to-bot';

export interface HandoffJobData {
  ticketId: string;
}

export const HANDOFF_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** One job per (timer, ticket): adding it again while it exists is a no-op. */
export function handoffJobId(name: HandoffJobName, ticketId: string): string {
  return `${name}|${ticketId}`;
}

/** The timers a waiting ticket still needs, with their due times (pure). */
export function pendingTimers(
  ticket: Pick<Ticket, 'id' | 'status' | 'notifyDueAt' | 'slaDueAt' | 'returnDueAt' | 'staffNotifiedAt' | 'slaAlertedAt'>,
): Array<{ name: HandoffJobName; dueAt: Date }> {
  if (ticket.status !== 'waiting') return [];
  const timers: Array<{ name: HandoffJobName; dueAt: Date }> = [];
  if (!ticket.staffNotifiedAt) timers.push({ name: 'notify-staff', dueAt: ticket.notifyDueAt });
  if (!ticket.slaAlertedAt) timers.push({ name: 'sla-reminder', dueAt: ticket.slaDueAt });
  timers.push({ name: 'return-to-bot', dueAt: ticket.returnDueAt });
  return timers;
}

/** Schedules a ticket's timers as (delayed) jobs; idempotent (job ids, and jobs check the ticket). */
export async function scheduleTicketTimers(queue: Queue, ticket: Parameters<typeof pendingTimers>[0], nowMs = Date.now()): Promise<number> {
  const timers = pendingTimers(ticket);
  if (timers.length === 0) return 0;
  await queue.addBulk(
    timers.map(({ name, dueAt }) => ({
      name,
      data: { ticketId: ticket.id } satisfies HandoffJobData,
      opts: { ...HANDOFF_JOB_OPTIONS, jobId: handoffJobId(name, ticket.id), delay: Math.max(0, dueAt.getTime() - nowMs) },
    })),
  );
  return timers.length;
}

/** Removes a ticket's timers once it is claimed or closed (best effort: the jobs would do nothing anyway). */
export async function cancelTicketTimers(queue: Queue, ticketId: string): Promise<void> {
  await Promise.all(
    (['notify-staff', 'sla-reminder', 'return-to-bot'] as const).map((name) => queue.remove(handoffJobId(name, ticketId)).catch(() => 0)),
  );
}
