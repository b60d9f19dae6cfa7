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
}

/**
 * @param run processes the items in one go and returns one result per item, in order; when it
 *   throws, every caller of that batch gets the error.
 * @example const markSent = microBatch((items: Sent[]) => updateAll(items).then(() => items.map(() => undefined)));
 */
export function microBatch<T, R>(run: (items: T[]) => Promise<R[]>, opts: MicroBatchOptions = {}): (item: T) => Promise<R> {
  const maxItems = opts.maxItems ?? 64;
  const windowMs = opts.windowMs ?? 1;
  let items: T[] = [];
  let waiters: { resolve(r: R): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = items;
    const waiting = waiters;
    items = [];
    waiters = [];
    run(batch).then(
      (results) => waiting.forEach((w, i) => w.resolve(results[i])),
      (err: unknown) => waiting.forEach((w) => w.reject(err)),
    );
  };
  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      items.push(item);
      waiters.push({ resolve, reject });
      if (items.length >= maxItems) flush();
      else timer ??= setTimeout(flush, windowMs);
    });
}
