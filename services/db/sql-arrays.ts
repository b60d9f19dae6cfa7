/**
 * PostgreSQL array literals for statement parameters (`${idArray(ids)}::bigint[]`). drizzle's
 * `sql` template spreads a JavaScript array into one parameter per element; a single array
 * parameter keeps the statement's text the same for any number of rows, and `= any(array)`
 * lets the planner use the index for exactly those rows (a join against a set-returning
 * function is estimated at 100 rows and planned as a scan of the whole table).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `{1,2,3}` for integer ids, `{"…","…"}` for UUIDs; throws on anything else.
 * @example await tx.execute(sql`select … where id = any(${idArray([1, 2])}::bigint[])`)
 */
export function idArray(ids: readonly (number | string)[]): string {
  return `{${ids
    .map((id) => {
      if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
      if (typeof id === 'string' && /^\d+$/.test(id)) return id;
      if (typeof id === 'string' && UUID.test(id)) return `"${id}"`;
      throw new Error(`idArray: not an id: ${String(id)}`);
    })
    .join(',')}}`;
}

/**
 * `{"a","b"}` for any texts (quotes and backslashes escaped).
 * @example sql`… where external_user_id = any(${textArray(people)}::text[])`
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
