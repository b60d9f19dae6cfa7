/**
 * A worker killed in the middle of a turn (SIGKILL, inside the turn's transaction), then a
 * worker started again: the message is answered, exactly once, and stored once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { contacts, conversations, inbox, messages } from '../../services/db/schema';
import { createTestDb, type TestDb } from '../helpers/db';
import { dropRedisPrefix, startTestService, uniquePrefix, waitFor, REDIS_URL, type TestService } from '../helpers/service';

const ROOT = path.resolve(__dirname, '../..');
let testDb: TestDb;
let prefix: string;
let web: TestService;
let child: ChildProcess | undefined;

beforeAll(async () => {
  testDb = await createTestDb('crash');
  prefix = uniquePrefix('crash');
  web = await startTestService('crash-web', { role: 'web', testDb, prefix });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await web?.close();
  await testDb?.close();
  await dropRedisPrefix(prefix);
});

async function countOut(sessionId: string): Promise<number> {
  const r = await testDb.db
    .select({ direction: messages.direction })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(contacts.externalId, sessionId));
  return r.filter((m) => m.direction === 'out').length;
}

function startHangingWorker(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/hanging-worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testDb.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      KB_SOURCE: 'files',
      WORKER_PORT: '0',
      HOST: '127.0.0.1',
      MIGRATE_ON_START: 'false',
      WORKER_LOCK_MS: '1500',
      WORKER_STALLED_INTERVAL_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    proc.stderr!.on('data', (d) => (err += String(d)));
    proc.on('exit', (code) => reject(new Error(`hanging worker exited early (${code}): ${err}`)));
    proc.stdout!.on('data', (d) => {
      if (String(d).includes('READY')) resolve(proc);
    });
  });
}

it('answers a message whose worker died mid-turn, once, after a restart', async () => {
  const sessionId = randomBytes(12).toString('hex');
  child = await startHangingWorker();
  const inTurn = new Promise<void>((resolve) => child!.stdout!.on('data', (d) => String(d).includes('IN_TURN') && resolve()));
  const post = (body: Record<string, string>) =>
    fetch(`${web.baseUrl}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, locale: 'en', ...body }),
    });
  // First contact and consent are answered normally; the question is where the worker dies.
  expect((await post({ clientMessageId: 'crash-0a', command: 'start' })).status).toBe(202);
  expect((await post({ clientMessageId: 'crash-0b', choice: 'consent:yes' })).status).toBe(202);
  expect((await post({ clientMessageId: 'crash-1', text: 'How much is the national visa fee?' })).status).toBe(202);
  await inTurn;
  child.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));

  // Killed inside the transaction: nothing of the turn was committed.
  const [row] = await testDb.db.select().from(inbox).where(eq(inbox.platformMessageId, 'crash-1'));
  expect(row.processedAt).toBeNull();
  const outBefore = await countOut(sessionId);

  const worker = await startTestService('crash-worker', {
    role: 'worker',
    testDb,
    prefix,
    env: { WORKER_LOCK_MS: 1500, WORKER_STALLED_INTERVAL_MS: 1000 },
  });
  try {
    const rows = await waitFor(async () => {
      const r = await testDb.db
        .select({ direction: messages.direction, status: messages.status, text: messages.text })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(contacts.externalId, sessionId)));
      return r.filter((m) => m.direction === 'out').length > outBefore && r.every((m) => m.direction === 'in' || m.status === 'sent') ? r : null;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    const final = await testDb.db
      .select({ direction: messages.direction })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(contacts.externalId, sessionId));
    expect(final.filter((m) => m.direction === 'in')).toHaveLength(3);
    expect(final.filter((m) => m.direction === 'out').length).toBe(rows.filter((m) => m.direction === 'out').length);
    expect(final.filter((m) => m.direction === 'out').length).toBeGreaterThan(outBefore);
    const [after] = await testDb.db.select().from(inbox).where(eq(inbox.platformMessageId, 'crash-1'));
    expect(after.processedAt).not.toBeNull();
  } finally {
    await worker.close();
  }
}, 60_000);
