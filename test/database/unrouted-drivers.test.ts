import { describe, expect, it } from 'vitest';
import { loadBackendModule } from '../../src/backend/load.ts';
import { unroutedDriverMessage } from '../../src/database/postgres/unrouted-drivers.ts';
import { scratchModules } from '../cli-support.ts';

// postgres.js and Prisma cannot reach the simulated database yet: a backend importing either is refused at
// load, naming the package and what works instead (not an internal error, not a driver that hangs on no socket).
describe('a database driver rtc-sim does not route is refused at load, naming it and what works instead', () => {
  const scratch = scratchModules('rtc-sim-unrouted-drivers');
  const cases = [
    { file: 'postgres-js.ts', code: "import postgres from 'postgres';\nconst sql = postgres(process.env.DATABASE_URL);\nexport function createBackend() { return async () => Response.json(await sql`select 1`); }\n", names: /postgres \(postgres\.js\) is not supported by rtc-sim yet: it speaks the wire protocol on a socket of its own/ },
    { file: 'prisma.ts', code: "import { PrismaClient } from '@prisma/client';\nimport { PrismaPg } from '@prisma/adapter-pg';\nconst prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });\nexport function createBackend() { return async () => Response.json(await prisma.$queryRaw`select 1`); }\n", names: /Prisma \(@prisma\/client, @prisma\/adapter-pg\) is not supported by rtc-sim yet/ },
  ];
  for (const { file, code, names } of cases) {
    it(file, async () => {
      const loaded = await loadBackendModule(scratch.write(file, code));
      expect(loaded.ok).toBe(false);
      const message = loaded.ok ? '' : loaded.error.message;
      expect(message).toMatch(names);
      expect(message).toContain("Instead, use pg (node-postgres) — `new pg.Pool({ connectionString: process.env.DATABASE_URL })` — directly or under Drizzle's node-postgres driver, knex's 'pg' client or Kysely's PostgresDialect, or env.db");
      expect(!loaded.ok && loaded.error.kind).toBe('module-invalid');
    }, 60_000);
  }

  it('packages whose names only start like a driver are not refused (pg-types needs postgres-array)', () => {
    for (const name of ['postgres-array', 'postgres-interval', 'postgresql', '@prisma/nothing-here']) expect(unroutedDriverMessage(name)).toBeUndefined();
    for (const name of ['postgres', 'postgres/cf/src/index.js', '@prisma/client', '@prisma/client/runtime/library', '@prisma/adapter-pg']) expect(unroutedDriverMessage(name)).toBeDefined();
  });
});
