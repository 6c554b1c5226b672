import type { Results } from '@electric-sql/pglite';
import type { QueryResult } from 'pg';
import type { HostOutcome } from '../../kernel/host-work.ts';
import type { StatementOutcome } from '../records.ts';
import type { Session } from './engine.ts';
import type { InFlight } from './lock-watch.ts';
import { pgliteResults, scriptResults } from './results.ts';

// A statement's answer, read off the session: its outcome in the caller's shape, and in the trace's.

/** How a statement is sent and answered: PGlite's result shape (`env.db`), or pg's own (the routed `pg`). */
export interface StatementShape {
  /** A script (`exec`): simple protocol, one result per statement. */
  readonly script: boolean;
  readonly rowMode?: 'array' | undefined;
  readonly format?: 'pglite' | 'pg';
  /** pg's per-query type parsers (Drizzle's keep timestamps as text). */
  readonly types?: unknown;
}

/**
 * Waits for the session's ReadyForQuery: pg rejects a failed statement's promise on the ErrorResponse, before
 * the ReadyForQuery that carries the transaction status ('E' after an error inside a transaction block), so
 * the status read right after the rejection would be the one before the statement. It arrives in the same
 * read as a rule; bounded in any case.
 */
export async function readyForQuery(session: Session): Promise<void> {
  const client = session.client as unknown as { readyForQuery: boolean };
  for (let turn = 0; turn < 10_000 && !client.readyForQuery; turn++) await new Promise((resolve) => setImmediate(resolve));
}

export async function outcomeOf(flight: InFlight, statement: { readonly shape: StatementShape }): Promise<HostOutcome<unknown>> {
  try {
    const result = (await flight.promise) as QueryResult | QueryResult[];
    if (statement.shape.format === 'pg') return { ok: true, value: result };
    return { ok: true, value: statement.shape.script ? scriptResults(result) : pgliteResults(result as QueryResult) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A statement's outcome as the trace records it. */
export function recorded(outcome: HostOutcome<unknown>): StatementOutcome {
  if (!outcome.ok) {
    const { code, message } = outcome.error as { code?: unknown; message?: unknown };
    return { kind: 'failed', code: typeof code === 'string' ? code : undefined, message: String(message) };
  }
  const results = (Array.isArray(outcome.value) ? outcome.value : [outcome.value]) as (Results | QueryResult)[];
  let rowCount = 0;
  let affectedRows = 0;
  for (const result of results) {
    rowCount += result.rows.length;
    affectedRows += 'affectedRows' in result ? (result.affectedRows ?? 0) : result.command === 'SELECT' ? 0 : (result.rowCount ?? 0);
  }
  return { kind: 'done', rowCount, affectedRows };
}
