import { microBatch } from './micro-batch';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('microBatch', () => {
  it('runs the calls of one window together and gives each caller its own result', async () => {
    const runs: number[][] = [];
    const double = microBatch(async (xs: number[]) => {
      runs.push(xs);
      return xs.map((x) => x * 2);
    }, { windowMs: 5 });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('runs at once when maxItems are waiting', async () => {
    const runs: number[][] = [];
    const f = microBatch(async (xs: number[]) => (runs.push(xs), xs), { windowMs: 1000, maxItems: 2 });
    const started = Date.now();
    await Promise.all([f(1), f(2)]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(runs).toEqual([[1, 2]]);
  });

  it('gives the error to every caller of the failed batch only', async () => {
    let calls = 0;
    const f = microBatch(async (xs: number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return xs;
    }, { windowMs: 2 });
    const first = await Promise.allSettled([f(1), f(2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await f(3)).toBe(3);
  });

  it('never runs more batches at once than allowed; later items wait for their window, then go together', async () => {
    let running = 0;
    let most = 0;
    const runs: number[][] = [];
    const f = microBatch(async (xs: number[]) => {
      running += 1;
      most = Math.max(most, running);
      runs.push(xs);
      await sleep(20);
      running -= 1;
      return xs;
    }, { windowMs: 1, maxInFlight: 1 });
    const first = f(1);
    await sleep(5); // the first batch is running
    const rest = [f(2), f(3), f(4)];
    await Promise.all([first, ...rest]);
    expect(most).toBe(1);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });
});

describe('microBatch windows', () => {
  it('uses the idle window when nothing runs, the longer one while a batch is running', async () => {
    const runs: { at: number; xs: number[] }[] = [];
    const t0 = Date.now();
    const f = microBatch(async (xs: number[]) => {
      runs.push({ at: Date.now() - t0, xs });
      await sleep(10);
      return xs;
    }, { windowMs: 60, idleWindowMs: 1 });
    const first = f(1);
    await sleep(3); // running now
    const second = f(2);
    await Promise.all([first, second]);
    expect(runs[0].at).toBeLessThan(40);
    expect(runs[1].at).toBeGreaterThanOrEqual(55);
  });
});
