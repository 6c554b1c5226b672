import { describe, expect, it } from 'vitest';
import { drawWorld } from '../../src/explore/sweep.ts';
import { loadProviderSource } from '../../src/load-provider-source.ts';
import { simulate } from '../../src/simulate.ts';
import { scratchModules } from '../cli-support.ts';

// What the vm context contains and what it does not. The threat model is mistaken code (a package that reads
// the clock, opens a socket, exits), not code that sets out to leave: every ordinary way to the host —
// the global `process`, `require('node:process')`, the global object reached by `Function('return this')()`
// — gives the simulated machine's; but a function made in the host realm (`Buffer`, a function of `env`)
// hands out the host's `Function` through its `constructor`, and with it the host's global object. README,
// "Known limits", says so; this test keeps that statement true in both directions.
const scratch = scratchModules('rtc-sim-vm-boundary');
const provider = new URL('../backend/fixtures/world/fetch-provider.ts', import.meta.url).pathname;
const backend = scratch.write(
  'boundary-backend.ts',
  `import nodeProcess from 'node:process';
export function createBackend(env) {
  const sandboxGlobal = Function('return this')();
  const contained = {
    globalPid: process.pid,
    importedPid: nodeProcess.pid,
    escapedGlobalPid: sandboxGlobal.process.pid,
    sameProcess: sandboxGlobal.process === process,
  };
  const viaBuffer = Buffer.constructor('return process')();
  const viaEnv = env.now.constructor('return process')();
  const notContained = { viaBufferPid: viaBuffer.pid, viaEnvPid: viaEnv.pid, hostFunction: Buffer.constructor !== Function };
  console.log('boundary', JSON.stringify({ contained, notContained }));
  return () => Response.json({ key: 'k', keyHint: 'h' });
}
`,
);

describe('the vm context is a containment for mistaken code, not a security boundary', () => {
  it("ordinary ways give the machine's process; a host function's constructor reaches the host's", async () => {
    const source = await loadProviderSource(provider, undefined, backend);
    if (!source.ok) throw new Error(source.error.message);
    const run = await simulate({ config: drawWorld(2, { faultMode: 'never' }, source.value), source: source.value, record: true });
    const line = (run.trace ?? []).find((record) => record.kind === 'console' && record.text.startsWith('boundary '));
    expect(line).toBeDefined();
    const seen = JSON.parse((line as { text: string }).text.slice('boundary '.length)) as {
      contained: Record<string, unknown>;
      notContained: Record<string, unknown>;
    };
    expect(seen.contained).toEqual({ globalPid: 1, importedPid: 1, escapedGlobalPid: 1, sameProcess: true });
    expect(seen.notContained).toEqual({ viaBufferPid: process.pid, viaEnvPid: process.pid, hostFunction: true });
  }, 60_000);
});
