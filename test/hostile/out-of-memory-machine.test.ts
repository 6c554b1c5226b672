import { describe, expect, it } from 'vitest';
import { scratchModules, spawnCli } from '../cli-support.ts';

// Out of memory names the machine whose event was running when the heap ran out, when the heap filled over
// several events (a leak across requests): the child notes each change of the running host once its heap is
// half full, where Node's fatal-error report keeps it (src/supervisor-signal.ts).
const scratch = scratchModules('rtc-sim-oom-machine');
const provider = new URL('../backend/fixtures/world/fetch-provider.ts', import.meta.url).pathname;

describe('out of memory names the machine', () => {
  it('a backend that leaks a little per request: a limit verdict naming the seed and the backend instance, exit 3', async () => {
    const leaks = scratch.write(
      'leaks.ts',
      `export function createBackend() {\n  return () => {\n    const hoard = (globalThis.hoard ??= []);\n    for (let i = 0; i < 50; i++) hoard.push(new Array(5000).fill(hoard.length));\n    return Response.json({ key: 'k', keyHint: 'h' });\n  };\n}\n`,
    );
    const result = await spawnCli(['check', provider, '--backend', leaks, '--runs', '200', '--json', '--failures-dir', scratch.failuresDir], {
      NODE_OPTIONS: '--max-old-space-size=96',
      RTC_SIM_PREPARE_SECONDS: '100',
    });
    expect(result.code).toBe(3);
    const failure = (JSON.parse(result.out) as { failure: { seed: number; machine: string; message: string; outOfMemory: boolean } }).failure;
    expect(failure.outOfMemory).toBe(true);
    expect(failure.machine).toMatch(/^backend(#\d)?$/);
    expect(failure.message).toContain(`while running seed ${failure.seed} on ${failure.machine}, before its verdict`);
    expect(result.err).toContain(`✗ limit: the check ran out of memory (V8 stopped at its heap limit) while running seed ${failure.seed} on ${failure.machine}`);
  }, 90_000);
});
