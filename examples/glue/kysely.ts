// Kysely on rtc-sim's database: a Postgres dialect whose driver runs each compiled query through env.db (what
// the kysely-pglite dialects do with a PGlite instance). In production: new PostgresDialect({ pool }).
import { CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import type { DatabaseHandle } from '../../src/index.ts';

/** A Kysely instance over `db` (env.db); transactions are BEGIN/COMMIT statements on the one connection. */
export function kyselyOn<Database>(db: DatabaseHandle): Kysely<Database> {
  const connection: DatabaseConnection = {
    async executeQuery<Row>(query: CompiledQuery): Promise<QueryResult<Row>> {
      const result = await db.query<Row>(query.sql, [...query.parameters]);
      return { rows: result.rows, ...(result.affectedRows === undefined ? {} : { numAffectedRows: BigInt(result.affectedRows) }) };
    },
    streamQuery() {
      throw new Error('streaming is not supported on rtc-sim database handles');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async (held) => void (await held.executeQuery(CompiledQuery.raw('BEGIN'))),
    commitTransaction: async (held) => void (await held.executeQuery(CompiledQuery.raw('COMMIT'))),
    rollbackTransaction: async (held) => void (await held.executeQuery(CompiledQuery.raw('ROLLBACK'))),
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
