import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackendModule } from '../../src/backend/load.ts';
import { sweep } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import type { TraceRecord } from '../../src/model/observations.ts';
import { serve, settling, testEnv, testMachine } from '../backend/support.ts';
import { scratchModules } from '../cli-support.ts';
import { hostileAttempts, hostileBackend, hostileProvider, type HostileAttempt } from './catalog.ts';

// Nothing the code under test does reaches the real machine: every way out is refused (or routed) and named.
// A real listener stands where the attempts aim; it must never see a connection.
const scratch = scratchModules('rtc-sim-hostile');
let listener: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
});

afterAll(async () => {
  // Give a connection that did get out time to arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(connections).toBe(0);
  await new Promise((resolve) => listener.close(resolve));
});

const fileName = (attempt: HostileAttempt): string => attempt.name.replace(/[^\w]+/g, '-');

describe('a hostile backend: every way out is refused and named, and the request still gets an answer', () => {
  it.each(hostileAttempts.filter((attempt) => attempt.browserOnly !== true).map((attempt) => [attempt.name, attempt] as const))('%s', async (_name, attempt) => {
    const loaded = await loadBackendModule(scratch.write(`backend-${fileName(attempt)}.ts`, hostileBackend(attempt, port)));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const machine = testMachine();
    const started = await settling(loaded.value, loaded.value.start(testEnv(), machine));
    if (!started.ok) throw new Error(started.problem.message);
    const response = await serve(loaded.value, started.handler, new Request('https://app.example/api/documents/d1/key'));
    expect(response.status).toBe(200);
    const apis = machine.findings.map((finding) => (finding as { api: string }).api);
    if (attempt.api === undefined) expect(apis).toEqual([]);
    else expect(apis).toEqual([expect.stringMatching(attempt.api)]);
    expect(machine.findings).toEqual(apis.map(() => expect.objectContaining({ clientId: 'backend' })));
  });
});

describe('a hostile provider: every way out is a determinism finding naming it; nothing got through', () => {
  it.each(hostileAttempts.map((attempt) => [attempt.name, attempt] as const))('%s', async (_name, attempt) => {
    const source = await loadProviderSource(scratch.write(`provider-${fileName(attempt)}.js`, hostileProvider(attempt, port)));
    if (!source.ok) throw new Error(source.error.message);
    const report = await sweep({ source: source.value, runs: 2, seed: 1, pins: { clients: 2 } });
    const trace: readonly TraceRecord[] = report.failure?.replayed.trace ?? [];
    expect(JSON.stringify(trace)).not.toContain('escaped');
    if (attempt.api === undefined) {
      expect(report.failure).toBeUndefined();
      return;
    }
    const expected = attempt.browserApi ?? attempt.api;
    expect(report.failure?.property).toBe('determinism');
    const apis = trace.filter((record) => record.kind === 'nondeterminism').map((record) => (record as { api: string }).api);
    expect(apis).toContainEqual(expect.stringMatching(expected));
  });
});
