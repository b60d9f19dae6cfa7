/**
 * The worker of the `handoff` queue (staff notifications, SLA reminders, return to the bot)
 * and the sweep that re-creates the timers of waiting tickets from PostgreSQL (after a Redis
 * loss, or when scheduling failed at commit). Everything it uses is passed in.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/client';
import type { LiveHub } from '../conversation/live';
import { enqueueOutboundJobs } from '../workers';
import { HANDOFF_QUEUE, scheduleTicketTimers, type HandoffJobData, type HandoffJobName } from './jobs';
import { CONSOLE_TOPIC, type ConsoleEvent } from './live-events';
import type { HandoffSettings } from './settings';
import { StaffNotifyError, type StaffNotifier } from './staff-notifier';
import { countWaiting, getTicket, listWaitingTickets, markStaffNotified, returnIfUnclaimed, type PersonTexts } from './tickets';

export interface HandoffWorkerSetup {
  connection: ConnectionOptions;
  prefix: string;
  db: Db;
  queue: Queue;
  outboundQueue: Queue;
  notifier: StaffNotifier;
  live: LiveHub;
  texts: PersonTexts;
  settings: HandoffSettings;
  logger: Logger;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How often waiting tickets' timers are checked (and once at start). */
  sweepIntervalMs: number;
}

export interface RunningHandoffWorker {
  worker: Worker;
  /** Re-schedules the timers of every waiting ticket; returns how many tickets were seen. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export type HandoffJobResult = 'notified' | 'returned' | 'skipped';

/** What one job does; exported for tests that run a job without a worker. */
export async function runHandoffJob(
  setup: Pick<HandoffWorkerSetup, 'db' | 'outboundQueue' | 'notifier' | 'live' | 'texts' | 'settings'>,
  name: HandoffJobName,
  data: HandoffJobData,
  now = new Date(),
): Promise<HandoffJobResult> {
  const ticket = await getTicket(setup.db, data.ticketId);
  if (!ticket || ticket.status !== 'waiting') return 'skipped';
  const publish = (event: ConsoleEvent) => setup.live.publish(CONSOLE_TOPIC, event).catch(() => undefined);
  switch (name) {
    case 'notify-staff':
    case 'sla-reminder': {
      const column = name === 'notify-staff' ? 'staffNotifiedAt' : 'slaAlertedAt';
      if (ticket[column]) return 'skipped';
      const waitingCount = await countWaiting(setup.db);
      try {
        await setup.notifier.notify({
          kind: name === 'notify-staff' ? 'new-ticket' : 'sla-reminder',
          language: ticket.language,
          waitingCount,
          ...(name === 'sla-reminder' ? { waitingMinutes: Math.max(0, Math.round((now.getTime() - ticket.createdAt.getTime()) / 60_000)) } : {}),
          consoleUrl: setup.settings.consoleUrl,
        });
      } catch (err) {
        if (err instanceof StaffNotifyError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
      await markStaffNotified(setup.db, ticket.id, column, now);
      return 'notified';
    }
    case 'return-to-bot': {
      const change = await returnIfUnclaimed(setup.db, setup.texts, ticket.id, now);
      if (!change) return 'skipped';
      await enqueueOutboundJobs(setup.outboundQueue, change.jobs);
      await publish({ type: 'ticket', ticketId: ticket.id, conversationId: ticket.conversationId, status: change.ticket.status });
      return 'returned';
    }
  }
}

/** Re-schedules timers of all waiting tickets (idempotent). */
export async function sweepWaitingTickets(db: Db, queue: Queue): Promise<number> {
  const tickets = await listWaitingTickets(db);
  for (const ticket of tickets) await scheduleTicketTimers(queue, ticket);
  return tickets.length;
}

export function startHandoffWorker(setup: HandoffWorkerSetup): RunningHandoffWorker {
  const log = setup.logger;
  const worker = new Worker<HandoffJobData, HandoffJobResult>(
    HANDOFF_QUEUE,
    async (job: Job<HandoffJobData>) => runHandoffJob(setup, job.name as HandoffJobName, job.data),
    {
      connection: setup.connection,
      prefix: setup.prefix,
      concurrency: 4,
      lockDuration: setup.lockDurationMs,
      stalledInterval: setup.stalledIntervalMs,
    },
  );
  worker.on('failed', (job, err) => log.warn({ queue: HANDOFF_QUEUE, job: job?.name, ticketId: job?.data.ticketId, attempts: job?.attemptsMade, err: err.message }, 'handoff job failed'));
  worker.on('error', (err) => log.error({ queue: HANDOFF_QUEUE, err: err.message }, 'handoff worker error'));

  const sweep = () => sweepWaitingTickets(setup.db, setup.queue);
  const runSweep = () => void sweep().catch((err: Error) => log.error({ err: err.message }, 'handoff sweep failed'));
  const timer = setInterval(runSweep, Math.max(5000, setup.sweepIntervalMs));
  timer.unref();
  runSweep();

  return {
    worker,
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
