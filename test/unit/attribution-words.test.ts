import { describe, expect, it } from 'vitest';
import type { BackendSource } from '../../src/backend/load.ts';
import { leftOpenWarning } from '../../src/cli/left-open.ts';
import { strayRejectionsWarning } from '../../src/cli/stray-rejections.ts';
import { traceDivergence } from '../../src/explore/trace-divergence.ts';
import type { TraceRecord } from '../../src/model/observations.ts';
import type { ProviderSource } from '../../src/providers/source.ts';
import type { SimulationResult } from '../../src/simulate.ts';

// Problems are worded as the code of the host that made them: a backend's as the backend's, not the provider's.
const provider = { label: '/app/provider.ts', sharedGlobals: () => ['issued'] } as unknown as ProviderSource;
const backend = { label: '/app/backend.ts', sharedGlobals: () => ['cache'] } as unknown as BackendSource;
const stack = { ...provider, backend } as ProviderSource;

function result(trace: TraceRecord[]): SimulationResult {
  return { config: { seed: 7 }, trace, decisions: [] } as unknown as SimulationResult;
}

const console = (actor: string, text: string, step: number, timeMs: number) => ({ kind: 'console', actor, level: 'log', text, step, timeMs }) as unknown as TraceRecord;

describe('where two runs of a seed part, attributed to the host whose record differs', () => {
  it("a backend's record names the backend module and what it keeps on its global object", () => {
    const words = traceDivergence(stack, result([console('backend#2', 'one', 3, 10)]), result([console('backend#2', 'two', 3, 10)]));
    expect(words).toBe(
      'seed 7 run twice gave different traces; they part at step 3 (backend#2), record 1: first run: backend#2 console.log: one; second run: backend#2 console.log: two; backend module /app/backend.ts — the backend keeps state on the global object that every start of the process and every run share (globalThis.cache), so a run depends on the runs before it — keep state in createBackend(env), in env.db or in env.keyStore',
    );
  });

  it("a browser's record in a stack still names the provider", () => {
    const words = traceDivergence(stack, result([console('c1', 'one', 1, 0)]), result([console('c1', 'two', 1, 0)]));
    expect(words).toContain('provider module /app/provider.ts — the module keeps state on the global object that every simulated browser and every run share (globalThis.issued)');
    expect(words).not.toContain('backend module');
  });

  it('two records that read the same are told apart by their step and time, not shown as two equal lines', () => {
    const words = traceDivergence(provider, result([console('c1', 'same', 4, 12)]), result([console('c1', 'same', 5, 13)]));
    expect(words).toContain('first run: c1 console.log: same (step 4, at 12 ms); second run: c1 console.log: same (step 5, at 13 ms)');
    const different = traceDivergence(provider, result([console('c1', 'a', 4, 12)]), result([console('c1', 'b', 4, 12)]));
    expect(different).not.toContain('(step 4');
  });

  it('the database, driven by the backend, is the backend; without backend globals the cause is outside the seed', () => {
    const bare = { ...provider, backend: { label: '/app/backend.ts' } } as ProviderSource;
    const words = traceDivergence(bare, result([console('database', 'x', 0, 0)]), result([console('database', 'y', 0, 0)]));
    expect(words).toContain('; backend module /app/backend.ts — something outside the seed (state kept between runs, real time, real randomness, the host) steers the backend');
  });
});

describe('stray rejections and handles left open, worded by whose code', () => {
  it("a backend's stray rejections are the backend code's, a provider's the provider code's", () => {
    expect(strayRejectionsWarning('server', 3, 'Error: lost')).toBe(
      'warning: backend code left 3 promise rejections unhandled (the first: Error: lost); in a Node server each is an unhandledRejection, which ends the process by default',
    );
    expect(strayRejectionsWarning('browser', 1, 'Error: x')).toBe('warning: provider code left 1 promise rejection unhandled (the first: Error: x); in a browser each is an error in the console');
  });

  it('handles left open in a world with a backend name both kinds of code', () => {
    const before = new Map<string, number>();
    const now = new Map([['TCPSocketWrap', 31]]);
    expect(leftOpenWarning(before, true, now)).toMatch(/^warning: provider or backend code, or their packages, left 31 sockets \(TCPSocketWrap\) open; .* — close them, or reach the outside only through the simulated machine/);
    expect(leftOpenWarning(before, false, now)).toMatch(/^warning: provider code or its packages left 31 sockets \(TCPSocketWrap\) open; .*keep real I\/O out of the provider/);
    expect(leftOpenWarning(now, true, now)).toBeUndefined();
  });
});
