import path from 'node:path';
import { createKnowledgeBase } from './knowledge-base';
import { loadSnapshotFromFiles } from './load-files';
import { warmAnswers } from './warm-answers';

const kb = createKnowledgeBase(loadSnapshotFromFiles(path.resolve(__dirname, '../../knowledge-base')), { version: 't' });

it('builds every answer of the day, which later calls then share', async () => {
  const today = '2026-11-27';
  const built = await warmAnswers(kb, today);
  expect(built).toBe(kb.snapshot.topics.length * 5 * (kb.snapshot.regions.length + 1));
  const slug = kb.snapshot.topics[0].slug;
  // The same object: built once and kept (frozen, so no caller can change it).
  const a = kb.answer(slug, 'ru', { region: null, today });
  expect(kb.answer(slug, 'ru', { region: null, today })).toBe(a);
  expect(Object.isFrozen(a)).toBe(true);
});

it('stops when told to', async () => {
  let calls = 0;
  expect(await warmAnswers(kb, '2026-11-28', () => ++calls > 2)).toBeLessThan(40);
});
