/**
 * The knowledge-base command-line tools, run as a person or CI runs them (through tsx).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const run = (script: string, args: string[], input?: string) =>
  spawnSync(TSX, [path.join(ROOT, 'scripts', script), ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });

describe('kb:predict', () => {
  it('writes one JSON line per input line, in order, with topic, score and detected language', () => {
    const input = [
      { id: 'a', text: 'kakaya zarplata nuzhna dlya goluboy karty', lang: 'es' },
      { id: 'b', text: 'hola, cómo estás?' },
      { id: 'c', text: 'Wie finde ich einen Kita-Platz?', lang: 'de' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const r = run('kb-predict.ts', ['--dir', 'test/fixtures/kb-valid', '--no-cache'], input + '\n');
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(out[0]).toMatchObject({ topic: 'blue-card', lang: 'ru' });
    expect(out[1]).toMatchObject({ topic: null, lang: 'es' });
    expect(out[2]).toMatchObject({ topic: 'kita-place', lang: 'de' });
    for (const o of out) expect(o.score).toBeGreaterThanOrEqual(0);
  });
});

describe('kb:validate', () => {
  it('exits 0 on a valid tree', () => {
    const r = run('kb-validate.ts', ['--dir', 'test/fixtures/kb-valid', '--today', '2026-11-27']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/OK/);
  });

  it('exits 1 and names file and field of each error', () => {
    const r = run('kb-validate.ts', ['--dir', 'test/fixtures/kb-broken', '--today', '2026-11-27']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/error\s+test\/fixtures\/kb-broken\/topics\/blue-card\.yaml content\.es\.answer: typed money figure/);
    expect(r.stderr).toMatch(/FAILED/);
  });
});

describe('kb:eval', () => {
  it('prints accuracy, abstention and per-language figures', () => {
    const r = run('kb-eval.ts', ['test/fixtures/dev-set.jsonl', '--no-cache']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/in scope: +accuracy \d+\.\d %/);
    expect(r.stdout).toMatch(/out of scope: abstention \d+\.\d %/);
    expect(r.stdout).toMatch(/per language/);
    expect(r.stdout).toMatch(/per style/);
  });
});
