import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSnapshotFromFiles } from './load-files';
import { canonicalOrder, writeSnapshotToFiles } from './export-files';
import { snapshotHash } from './store';

const KB_DIR = path.resolve(__dirname, '../../knowledge-base');
const FIXTURE = path.resolve(__dirname, '../../test/fixtures/kb-valid');

describe('writeSnapshotToFiles (kb:export)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kb-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['the real knowledge base', KB_DIR],
    ['the test fixture', FIXTURE],
  ])('round-trips %s into an empty directory exactly', (_name, src) => {
    const snapshot = loadSnapshotFromFiles(src);
    // jsonb does not keep key order: export what PostgreSQL would give back.
    const fromDb = JSON.parse(JSON.stringify(canonicalOrder(snapshot)));
    writeSnapshotToFiles(fromDb, dir);
    const back = loadSnapshotFromFiles(dir);
    expect(back).toEqual(snapshot);
    expect(snapshotHash(back)).toBe(snapshotHash(snapshot));
  });

  it('leaves unchanged files alone and keeps comments when one value changes', () => {
    cpSync(FIXTURE, dir, { recursive: true });
    const snapshot = loadSnapshotFromFiles(dir);
    const first = writeSnapshotToFiles(snapshot, dir);
    expect(first.written).toEqual([]);

    const changed = structuredClone(snapshot);
    const key = Object.keys(changed.facts)[0];
    const values = changed.facts[key].values;
    values[values.length - 1].value = 99999;
    const before = readFileSync(path.join(dir, changed.files.facts[key]), 'utf8');
    const second = writeSnapshotToFiles(changed, dir);
    expect(second.written).toEqual([changed.files.facts[key]]);
    const after = readFileSync(path.join(dir, changed.files.facts[key]), 'utf8');
    const comments = (s: string) => s.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    expect(after).toContain('99999');
    expect(loadSnapshotFromFiles(dir)).toEqual(changed);
  });
});
