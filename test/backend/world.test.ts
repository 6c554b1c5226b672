import { describe, expect, it } from 'vitest';
import { drawWorld, selfCheck, sweep } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import type { ProviderSource } from '../../src/providers/source.ts';
import { simulate } from '../../src/simulate.ts';
import { describeRecord } from '../../src/report/describe-record.ts';
import { scriptedWorld } from '../../scenarios/scripted-world.ts';

const fixture = (name: string): string => new URL(`./fixtures/world/${name}`, import.meta.url).pathname;

async function stack(provider: string, backend: string): Promise<ProviderSource> {
  const loaded = await loadProviderSource(fixture(provider), undefined, fixture(backend));
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

const lines = (trace: readonly Parameters<typeof describeRecord>[0][] | undefined): string[] => (trace ?? []).map((record) => `${record.step} ${record.timeMs} ${record.actor} ${describeRecord(record)}`);

describe('a stack in the world: the page fetch reaches the backend, the backend the database', () => {
  it('a correct raw-SQL backend passes, with every request and statement in the trace', async () => {
    const source = await stack('fetch-provider.ts', 'sql-backend.ts');
    const report = await sweep({ source, runs: 60, seed: 1, pins: {} });
    expect(report.failure?.message).toBeUndefined();
    const run = await simulate({ config: drawWorld(3, { faultMode: 'never' }, source), source, record: true });
    const text = lines(run.trace);
    expect(text.some((line) => / backend receives GET \/api\/documents\/d1\/key \(c\d\.1\) from c\d$/.test(line))).toBe(true);
    expect(text.some((line) => / database c\d\.1: INSERT INTO document_keys .* RETURNING key_hint → 1 row affected$/.test(line))).toBe(true);
    expect(text.some((line) => / c\d receives 200 OK \(c\d\.1\) from backend$/.test(line))).toBe(true);
  }, 120_000);

  it('a lookup that returns the newest key is caught, the two creates and the wrong lookup in the trace', async () => {
    const source = await stack('fetch-provider.ts', 'sql-newest-key-backend.ts');
    const report = await sweep({ source, runs: 200, seed: 1, pins: {} });
    expect(report.failure?.property).toBe('hint-stability');
    const text = lines(report.failure?.replayed.trace);
    expect(text.filter((line) => / database c\d\.1: INSERT INTO document_keys/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(text.some((line) => / database c\d\.\d: SELECT key FROM document_keys WHERE document_id = \$1 ORDER BY created_at DESC/.test(line))).toBe(true);
  }, 120_000);

  it('same seed, same trace, byte for byte, with a backend, a database and faults', async () => {
    const source = await stack('fetch-provider.ts', 'sql-backend.ts');
    for (const seed of [2, 5, 11]) {
      const config = drawWorld(seed, { faultMode: 'always' }, source);
      expect(await selfCheck(source, config)).toBeUndefined();
      const first = await simulate({ config, source, record: true });
      const second = await simulate({ config, source, record: true });
      expect(JSON.stringify(second.trace)).toBe(JSON.stringify(first.trace));
    }
  }, 120_000);

  it('axios through its fetch adapter: a JSON POST to create, a GET by hint', async () => {
    const source = await stack('axios-provider.ts', 'sql-backend.ts');
    const run = await simulate({ config: drawWorld(4, { faultMode: 'never' }, source), source, record: true });
    expect(run.outcome).toEqual({ kind: 'pass' });
    expect(lines(run.trace).some((line) => / backend(#\d)? receives POST \/api\/documents\/d1\/keys \(c\d\.1\)/.test(line))).toBe(true);
  }, 120_000);

  it('an Express app on knex (its pool on virtual timers) passes, and quiet hours cost no events', async () => {
    const source = await stack('fetch-provider.ts', 'express-knex-backend.ts');
    const report = await sweep({ source, runs: 20, seed: 1, pins: {} });
    expect(report.failure?.message).toBeUndefined();
    const run = await simulate({ config: drawWorld(1, { faultMode: 'never' }, source), source, record: true });
    expect(run.outcome).toEqual({ kind: 'pass' });
    expect(run.steps).toBeLessThan(400);
  }, 120_000);

  it('a Hono app over the key store (a Redis-like backend) passes, its key-store operations in the trace', async () => {
    const source = await stack('fetch-provider.ts', 'hono-keystore-backend.ts');
    const report = await sweep({ source, runs: 60, seed: 1, pins: {} });
    expect(report.failure?.message).toBeUndefined();
    const run = await simulate({ config: drawWorld(3, { faultMode: 'never' }, source), source, record: true });
    expect(lines(run.trace).some((line) => / backend(#\d)? keyStore\.setIfAbsent\("d1\/[\w-]+", /.test(line))).toBe(true);
  }, 120_000);

  it('a JSON POST through Express (express.json() reads the injected body on the host\'s turns) passes', async () => {
    const source = await stack('post-provider.ts', 'express-json-backend.ts');
    const report = await sweep({ source, runs: 30, seed: 1, pins: {} });
    expect(report.failure?.message).toBeUndefined();
    const run = await simulate({ config: drawWorld(2, { faultMode: 'never' }, source), source, record: true });
    expect(lines(run.trace).some((line) => / database c\d\.1: INSERT INTO rtc_keys \(document, key\) VALUES \(\$1, \$2\) RETURNING hint → 1 row affected$/.test(line))).toBe(true);
  }, 120_000);

  // A Fetch handler whose answer needs no scheduled event (a body read, a cache hit) finishes on the host's
  // turns alone: giving it none after the first quiet turn left the response unsent until the provider timed out.
  for (const [provider, backend] of [
    ['post-provider.ts', 'hono-post-derived-backend.ts'],
    ['fetch-provider.ts', 'fetch-static-backend.ts'],
  ] as const) {
    it(`a Fetch handler that answers without any scheduled event passes (${backend})`, async () => {
      const source = await stack(provider, backend);
      const report = await sweep({ source, runs: 40, seed: 1, pins: {} });
      expect(report.failure?.message).toBeUndefined();
    }, 120_000);
  }

  it('a backend crash between two statements (PGlite): the one it sent still runs, the dead process never sends the next, the browser sees the reset', async () => {
    const source = await stack('fetch-provider.ts', 'two-step-backend.ts');
    // On the real server (the default) a dead process's statement is dropped before it is sent: see postgres-sessions.test.ts.
    const pins = {
      database: 'pglite' as const,
      ...scriptedWorld([0]),
      backendInstances: 1,
      faults: { phaseEndMs: 1_000, events: [{ kind: 'backend-crash' as const, atMs: 30, downMs: 100 }], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 },
    };
    const run = await simulate({ config: drawWorld(1, pins, source), source, record: true });
    const text = lines(run.trace);
    // The request reaches the backend at 30 ms and sends its first statement; the crash comes before it runs.
    const crash = text.findIndex((line) => / backend ⚡ crash: /.test(line));
    expect(crash).toBeGreaterThan(text.findIndex((line) => / backend receives GET .*\(c1\.1\) from c1$/.test(line)));
    expect(crash).toBeLessThan(text.findIndex((line) => / database c1\.1: INSERT INTO steps VALUES \(\$1, \$2\) → 1 row affected$/.test(line)));
    expect(text.filter((line) => / database c1\.1: /.test(line))).toHaveLength(1);
    expect(text.some((line) => / c1 receives no answer: connection-reset \(c1\.1\) from backend$/.test(line))).toBe(true);
    expect(run.outcome).toEqual({ kind: 'pass' });
  }, 120_000);

  it('a handler that never answers is bounded like a provider: the clients give up, the run ends', async () => {
    const source = await stack('fetch-provider.ts', 'never-answers-backend.ts');
    const run = await simulate({ config: drawWorld(1, { faultMode: 'never' }, source), source, record: true });
    expect(run.outcome.kind).toBe('violation');
    expect(run.outcome.kind === 'violation' ? run.outcome.violation.property : '').toBe('liveness');
  }, 120_000);

  it('a backend that cannot start breaks its contract, named in the violation', async () => {
    const source = await stack('fetch-provider.ts', 'throws-backend.ts');
    const run = await simulate({ config: drawWorld(1, {}, source), source, record: true });
    expect(run.outcome.kind === 'violation' ? run.outcome.violation.message : '').toBe('the backend module broke its contract: createBackend(env) threw Error: DATABASE_URL is not set');
  }, 120_000);

  it('backend faults are drawn only in worlds with a backend: a provider-only world draws what it drew before', async () => {
    const source = await stack('fetch-provider.ts', 'sql-backend.ts');
    const { backend: _unused, ...providerOnly } = source;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const withBackend = drawWorld(seed, {}, source);
      const without = drawWorld(seed, {}, providerOnly);
      expect(without.faults?.events.filter((event) => !['backend-crash', 'response-lost', 'rolling-deploy'].includes(event.kind))).toEqual(without.faults?.events);
      expect(withBackend.faults?.events.filter((event) => !['backend-crash', 'response-lost', 'rolling-deploy'].includes(event.kind))).toEqual(without.faults?.events);
      for (const event of withBackend.faults?.events ?? []) kinds.add(event.kind);
    }
    expect(kinds.has('backend-crash')).toBe(true);
    expect(kinds.has('response-lost')).toBe(true);
  }, 120_000);
});
