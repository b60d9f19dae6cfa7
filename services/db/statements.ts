/**
 * Statements written once with `$1 … $n` parameters and run two ways:
 *
 * - `runStatement(db, st, params)`: on a drizzle database or transaction, as a named prepared
 *   statement of the extended protocol (parsed once per connection; planned as PostgreSQL's
 *   plan cache decides, which for these statements is on every call — see GENERIC_PLANS);
 * - inside a script of several statements sent in one round trip (`client.query(script)`,
 *   PostgreSQL's simple protocol): `executeSql(st, params)` is `execute …(literals)` of a
 *   statement that `prepareOn(client, …)` prepared on that connection with SQL PREPARE; with
 *   GENERIC_PLANS in front, its plan is built once per connection.
 *
 * node-postgres sends one statement and waits for its answer before the next, so a turn's
 * "begin, lock, read, read" cost four round trips (each a system call and a wake-up on both
 * sides); as one script they cost one. The statements of a script run one after the other,
 * each with its own snapshot, exactly as if sent separately.
 */
import type { PoolClient, QueryResult } from 'pg';
import type { Db } from './client';

export interface Statement {
  /** Unique per statement. */
  readonly name: string;
  /** PostgreSQL types of $1 … $n. */
  readonly types: readonly string[];
  readonly text: string;
}

/** A database or a transaction. */
type Executor = Pick<Db, '_'>;

/** A parameter: texts (JSON, array literals), numbers or null. */
export type Param = string | number | null;

export function statement(name: string, types: readonly string[], text: string): Statement {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`statement: not a plain name: ${name}`);
  return { name, types, text };
}

/** Runs `st` on a drizzle database or transaction as a named prepared statement. */
export async function runStatement<R = Record<string, unknown>>(db: Executor, st: Statement, params: Param[]): Promise<QueryResult<R & Record<string, unknown>>> {
  checkArity(st, params);
  const prepared = db._.session.prepareQuery({ sql: st.text, params }, undefined, st.name, false);
  return (await prepared.execute()) as QueryResult<R & Record<string, unknown>>;
}

/** The SQL PREPARE name (the extended protocol's names share PostgreSQL's namespace). */
const sqlName = (st: Statement) => `${st.name}_s`;

/**
 * A parameter as an SQL literal. Texts are dollar-quoted ($p$…$p$: nothing inside is escaped,
 * so a long JSON costs one search, not a pass that rewrites it); a text in which the tag
 * would occur is written as an escape string (E'…') with quotes and backslashes doubled, as
 * node-postgres' escapeLiteral does.
 */
export function literal(value: Param): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('literal: not a finite number');
    return String(value);
  }
  if (value.includes('\0')) throw new Error('literal: a text with a NUL character');
  // The tag must first occur where it closes the text (a text ending in "$p" would close early).
  if (`${value}$p$`.indexOf('$p$') === value.length) return `$p$${value}$p$`;
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** `execute name(literals)`: one statement of a script, for a connection prepared by prepareOn. */
export function executeSql(st: Statement, params: Param[]): string {
  checkArity(st, params);
  return `execute ${sqlName(st)}(${params.map(literal).join(', ')})`;
}

const preparedOnClient = new WeakMap<PoolClient, Set<string>>();

/**
 * Prepares the statements on this connection (once per connection and statement; the pool
 * hands out the same client object for the same connection). Run it before `begin`: a
 * prepared statement belongs to the session, not to a transaction.
 */
export async function prepareOn(client: PoolClient, statements: readonly Statement[]): Promise<void> {
  let done = preparedOnClient.get(client);
  if (!done) preparedOnClient.set(client, (done = new Set()));
  const missing = statements.filter((st) => !done.has(st.name));
  if (missing.length === 0) return;
  await client.query(missing.map((st) => `prepare ${sqlName(st)}(${st.types.join(', ')}) as ${st.text}`).join(';\n'));
  for (const st of missing) done.add(st.name);
}

/**
 * Prepended to a script: its prepared statements run with their generic plan, built once per
 * connection, and by index. PostgreSQL would otherwise plan them anew on every call (their
 * custom plans look cheaper to it, knowing the arrays' lengths): a turn's persist statement
 * spent more time being planned than executed (measured: ~1.9 ms of the server's CPU per call
 * with custom plans, ~1.2 ms with the generic plan, five turns per call). Without sequential
 * scans the generic plan uses the indexes whatever size the tables had when it was built — a
 * plan built on a small table would otherwise scan the whole table for ever after (the
 * scalability bug described in services/db/sql-arrays.ts). Local to the transaction (a script
 * without begin is one); DEFAULT_PLANS ends them earlier.
 */
export const GENERIC_PLANS = ["set local plan_cache_mode = 'force_generic_plan'", 'set local enable_seqscan = off'];
export const DEFAULT_PLANS = ['reset plan_cache_mode', 'reset enable_seqscan'];

/**
 * Runs `use` on a connection of the pool with `statements` prepared on it, then returns the
 * connection to the pool. When `use` fails, `recover` runs first (a rollback, say); the
 * connection is dropped instead when there is no `recover` or it fails too, and when preparing
 * failed (the connection would be half prepared).
 */
export async function withPrepared<T>(
  db: Pick<Db, '$client'>,
  statements: readonly Statement[],
  use: (client: PoolClient) => Promise<T>,
  recover?: (client: PoolClient) => Promise<unknown>,
): Promise<T> {
  const client = await db.$client.connect();
  let drop: Error | undefined;
  try {
    try {
      await prepareOn(client, statements);
    } catch (err) {
      drop = asError(err);
      throw err;
    }
    try {
      return await use(client);
    } catch (err) {
      drop = asError(err);
      if (recover) {
        try {
          await recover(client);
          drop = undefined;
        } catch (recoverErr) {
          drop = asError(recoverErr);
        }
      }
      throw err;
    }
  } finally {
    client.release(drop);
  }
}

/**
 * One statement, with its generic plan, on a connection of the pool: one round trip (its own
 * transaction, as a statement sent alone is).
 */
export async function executeGeneric(db: Pick<Db, '$client'>, st: Statement, params: Param[]): Promise<QueryResult> {
  const script = [...GENERIC_PLANS, executeSql(st, params)];
  return withPrepared(db, [st], async (client) => (await runScript(client, script))[GENERIC_PLANS.length]);
}

/** Runs a script of several statements in one round trip; one result per statement. */
export async function runScript(client: PoolClient, statements: string[]): Promise<QueryResult[]> {
  const result = (await client.query(statements.join(';\n'))) as QueryResult | QueryResult[];
  return Array.isArray(result) ? result : [result];
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function checkArity(st: Statement, params: Param[]): void {
  if (params.length !== st.types.length) throw new Error(`statement ${st.name}: ${st.types.length} parameters expected, ${params.length} given`);
}
