/**
 * Groups calls that arrive within a few milliseconds of each other into one call of `run`
 * (one statement, one round trip), and gives every caller its own result. Every PostgreSQL
 * or Redis round trip costs real CPU (a system call per socket write), so under load many
 * small statements cost far more than one larger one. Each caller still waits until its own
 * item is done, so nothing is acknowledged before it is stored.
 */

export interface MicroBatchOptions {
  /** Run at once when this many items are waiting (default 64). */
  maxItems?: number;
  /** Otherwise this long after the first item arrived (default 1 ms). */
  windowMs?: number;
  /** The window while no batch is running (default: windowMs): an idle caller need not wait. */
  idleWindowMs?: number;
  /**
   * At most this many batches run at the same time (default 2); further items wait for one to
   * finish, so under load the batches grow instead of the number of round trips.
   */
  maxInFlight?: number;
}

/**
 * @param run processes the items in one go and returns one result per item, in order; when it
 *   throws, every caller of that batch gets the error.
 * @example const markSent = microBatch((items: Sent[]) => updateAll(items).then(() => items.map(() => undefined)));
 */
export function microBatch<T, R>(run: (items: T[]) => Promise<R[]>, opts: MicroBatchOptions = {}): (item: T) => Promise<R> {
  const maxItems = opts.maxItems ?? 64;
  const windowMs = opts.windowMs ?? 1;
  const idleWindowMs = opts.idleWindowMs ?? windowMs;
  const maxInFlight = opts.maxInFlight ?? 2;
  const items: T[] = [];
  const waiters: { resolve(r: R): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (items.length === 0 || inFlight >= maxInFlight) return; // a finishing batch flushes again
    const batch = items.splice(0, maxItems);
    const waiting = waiters.splice(0, batch.length);
    inFlight += 1;
    void Promise.resolve()
      .then(() => run(batch))
      .then(
        (results) => waiting.forEach((w, i) => w.resolve(results[i])),
        (err: unknown) => waiting.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        inFlight -= 1;
        // Items still inside their window wait for it (the timer), so batches fill up.
        if (timer === null || items.length >= maxItems) flush();
      });
  };
  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      items.push(item);
      waiters.push({ resolve, reject });
      if (items.length >= maxItems) flush();
      else timer ??= setTimeout(flush, inFlight === 0 ? idleWindowMs : windowMs);
    });
}

/**
 * One value per key object, made on first use and kept as long as the key lives: one
 * micro-batch per database or queue, shared by every caller that uses that database or queue.
 * @example const markSentFor = onePer((db: Db) => microBatch(…)); await markSentFor(db)(sent);
 */
export function onePer<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
