import { describe, expect, it } from 'vitest';
import { runCli, scratchModules } from './cli-support.ts';

const { failuresDir, write: module } = scratchModules('rtc-sim-determinism');

describe('the determinism property, end to end', () => {
  it('a provider that waits with a timer the simulation does not schedule (setImmediate) gets a determinism verdict naming the call, and exit 4', async () => {
    const path = module('real-timer.ts', `export default async ({ keyHint }) => {\n  await new Promise((resolve) => setImmediate(resolve));\n  return { key: 'k', keyHint: keyHint ?? 'v1' };\n};\n`);
    const result = await runCli(['check', path, '--runs', '50', '--failures-dir', failuresDir]);
    expect(result.code).toBe(4);
    expect(result.out).toMatch(/determinism violated .*provider called setImmediate\(\)/);
  });

  it('a provider that escapes to the real global for randomness is reported too', async () => {
    const path = module('escape.ts', `export default async ({ keyHint }) => {\n  const real = Function('return this')();\n  return { key: 'k', keyHint: keyHint ?? String(real.Math.random()) };\n};\n`);
    const result = await runCli(['check', path, '--runs', '50', '--failures-dir', failuresDir]);
    expect(result.code).toBe(4);
    expect(result.out).toContain('Math.random()');
  });

  it('a provider that reads the clock or Math.random gets a nondeterminism verdict naming the call, unless told to route them', async () => {
    const path = module('routed.ts', `import { createHmac } from 'node:crypto';\nexport default async ({ documentId, keyHint }) => {\n  const hint = keyHint ?? \`\${Date.now()}-\${Math.random()}-\${crypto.randomUUID()}\`;\n  return { key: createHmac('sha256', 'secret').update(documentId + hint).digest('hex'), keyHint: hint };\n};\n`);
    const reported = await runCli(['check', path, '--runs', '200', '--failures-dir', failuresDir]);
    expect(reported.code).toBe(4);
    expect(reported.out).toMatch(/determinism violated .*c1's provider called Date\.now\(\)/);
    expect(reported.out).toContain('nondeterminism: called Math.random()');
    expect(reported.out).toContain('--time-and-random route');
    const routed = await runCli(['check', path, '--runs', '200', '--time-and-random', 'route', '--failures-dir', failuresDir]);
    expect(routed.out).toContain('✓ PASS');
    expect(routed.code).toBe(0);
  });

  it('Date.parse, new Date(x), crypto.randomUUID and node:crypto HMAC are never flagged', async () => {
    const path = module('pure.ts', `import { createHmac } from 'node:crypto';\nexport default async ({ documentId, keyHint }) => {\n  const hint = keyHint ?? \`\${Date.parse('2026-01-01T00:00:00Z')}-\${new Date(86400000).toISOString()}-\${crypto.randomUUID()}\`;\n  return { key: createHmac('sha256', 'secret').update(documentId + hint).digest('hex'), keyHint: hint };\n};\n`);
    const result = await runCli(['check', path, '--runs', '200', '--failures-dir', failuresDir]);
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
  });
});

describe('exhaustive search refuses worlds too large to enumerate', () => {
  it('--clients above the cap is a usage error, not an out-of-memory crash', async () => {
    const result = await runCli(['check', 'examples/providers/good-static-key.ts', '--strategy', 'exhaustive', '--clients', '100000']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--clients at most 5');
  });
});
