import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../src/cli/describe-config.ts';
import { drawConfig } from '../../src/config/swarm.ts';
import { assumptionsLine } from '../../src/report/assumptions.ts';

describe('the pool of a real-Postgres backend is part of the world', () => {
  it('each seed draws 1 to 10 sessions, only for such a backend, without moving any other draw', () => {
    const drawn = Array.from({ length: 200 }, (_, index) => drawConfig(index + 1, { withBackend: true, backendDatabase: 'postgres' }));
    const sizes = new Set(drawn.map((config) => config.databaseSessions));
    expect([...sizes].sort((left, right) => (left ?? 0) - (right ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [index, config] of drawn.entries()) {
      const { databaseSessions, ...rest } = config;
      expect(databaseSessions).toBeDefined();
      expect(rest).toEqual(drawConfig(index + 1, { withBackend: true }));
    }
    expect(drawConfig(7, { withBackend: true }).databaseSessions).toBeUndefined();
  });

  it('a pin wins, and the config line and the assumptions line say it', () => {
    const config = drawConfig(3, { withBackend: true, backendDatabase: 'postgres', databaseSessions: 4 });
    expect(config.databaseSessions).toBe(4);
    expect(describeConfig(config)).toContain('database: PostgreSQL, 4 sessions');
    expect(assumptionsLine({ withBackend: true, backendDatabase: 'postgres' })).toContain('backend instances behind a load balancer (round robin, random or sticky) on a real PostgreSQL server (1–10 sessions at READ COMMITTED');
    expect(assumptionsLine({ withBackend: true, backendDatabase: 'postgres', databaseSessions: 1 })).toContain('(1 session at READ COMMITTED');
    expect(assumptionsLine({ withBackend: true, backendDatabase: 'pglite' })).toContain('on PGlite, one session: its transactions serialized');
  });
});
