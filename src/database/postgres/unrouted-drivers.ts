import type { Plugin } from 'esbuild';

/** What works instead of a database driver rtc-sim does not route: said in every refusal. */
const whatWorks = "use pg (node-postgres) — `new pg.Pool({ connectionString: process.env.DATABASE_URL })` — directly or under Drizzle's node-postgres driver, knex's 'pg' client or Kysely's PostgresDialect, or env.db";

/** The database packages a backend may not import yet, and why each cannot reach the simulated database. */
const unrouted: readonly { readonly pattern: RegExp; readonly name: string; readonly why: string }[] = [
  { pattern: /^postgres(\/.*)?$/, name: 'postgres (postgres.js)', why: 'it speaks the wire protocol on a socket of its own, and rtc-sim routes pg, not a socket' },
  { pattern: /^@prisma\/(client|adapter-pg)(\/.*)?$/, name: 'Prisma (@prisma/client, @prisma/adapter-pg)', why: 'its client loads a query engine from files beside the package, which cannot be bundled into the simulated backend' },
];

/** The refusal of one unrouted driver, naming the package and what works instead. */
export function unroutedDriverMessage(importPath: string): string | undefined {
  const found = unrouted.find((driver) => driver.pattern.test(importPath));
  return found === undefined ? undefined : `${found.name} is not supported by rtc-sim yet: ${found.why}. Instead, ${whatWorks}`;
}

/**
 * An esbuild plugin that refuses, at load, a database driver the simulation cannot route — a build error
 * naming the package and what works instead, rather than a driver that connects to nothing and hangs.
 */
export const refuseUnroutedDrivers: Plugin = {
  name: 'rtc-sim-refuse-unrouted-drivers',
  setup(build) {
    build.onResolve({ filter: /^(postgres|@prisma\/)/ }, (args) => {
      const message = unroutedDriverMessage(args.path);
      return message === undefined ? undefined : { errors: [{ text: message }] };
    });
  },
};
