import type { Results } from '@electric-sql/pglite';
import type { QueryResult } from 'pg';

/** A `pg` result in PGlite's shape (`rows`, `fields`, `affectedRows`), what `env.db`'s callers read. */
export function pgliteResults<T>(result: QueryResult): Results<T> {
  const affectedRows = result.command === 'SELECT' ? 0 : (result.rowCount ?? 0);
  return {
    rows: result.rows as T[],
    fields: (result.fields ?? []).map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
    affectedRows,
  };
}

/** A script's results, one per statement (pg answers a one-statement script with a single result). */
export function scriptResults(result: QueryResult | QueryResult[]): Results[] {
  return (Array.isArray(result) ? result : [result]).map((one) => pgliteResults(one));
}
