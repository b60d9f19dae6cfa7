/**
 * A worker process that stops dead in the middle of a turn: after the inbound message is
 * stored, inside the turn's transaction, before anything is committed. The crash test kills it
 * there (SIGKILL) and checks that a fresh worker still answers the message, once.
 * Configuration comes from the environment like the real service.
 */
import pino from 'pino';
import { loadConfig } from '../../services/config/config';
import { buildService } from '../../services/build-service';
import { createKnowledgeBase } from '../../services/knowledge/knowledge-base';
import { loadSnapshotFromFiles } from '../../services/knowledge/load-files';
import type { KnowledgeBase } from '../../bots/engine/ports';

async function run(): Promise<void> {
  const config = loadConfig();
  const real = createKnowledgeBase(loadSnapshotFromFiles(config.KB_DIR));
  const hanging: KnowledgeBase = Object.assign(Object.create(real) as KnowledgeBase, {
    classify(): never {
      process.stdout.write('IN_TURN\n');
      // Block the event loop (and so the job's lock renewal) until the test kills the process.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
      throw new Error('not killed');
    },
  });
  await buildService(config, 'worker', { logger: pino({ level: 'silent' }), knowledgeBase: hanging, defaultMetrics: false });
  process.stdout.write('READY\n');
}

void run().catch((err) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err));
  process.exit(1);
});
