/**
 * Runs a raw `sql` statement as a named prepared statement: PostgreSQL parses and plans it
 * once per connection instead of on every call. For the statements of every turn (their text
 * is fixed: the rows travel as JSON and array parameters), parsing and planning cost the
 * database more than executing them.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { QueryResult } from 'pg';
import type { Db } from './client';

const dialect = new PgDialect();

/** A database or a transaction. */
type Executor = Pick<Db, '_'>;

/**
 * @param name unique per statement text (PostgreSQL refuses a second text under the same name)
 * @example await executeNamed(tx, 'turn-lock', sql`select pg_try_advisory_xact_lock(…)`)
 */
export async function executeNamed<R = Record<string, unknown>>(db: Executor, name: string, query: SQL): Promise<QueryResult<R & Record<string, unknown>>> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  return (await prepared.execute()) as QueryResult<R & Record<string, unknown>>;
}
