import { describe, expect, it } from 'vitest';
import { noFaults } from '../src/config/fault-plan.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { simulate } from '../src/simulate.ts';
import { moduleSource } from '../properties/support.ts';
import { scratchModules } from './cli-support.ts';

const { write: module } = scratchModules('rtc-sim-console');

// Hono's default error handler logs `console.error(err)`: the trace must say what the error was, not `{}`.
const logging = module(
  'logging.ts',
  `export default async function provider({ keyHint }) {
  console.error(new TypeError('bad thing'));
  console.warn('while saving', new Error('boom'), { a: 1 });
  return { key: 'k', keyHint: keyHint ?? 'h' };
}`,
);

describe('console output in the trace', () => {
  it('an Error logged is its name and message; other values are JSON', async () => {
    const config = { ...drawConfig(1, { clients: 1, faultMode: 'never' }), faults: noFaults };
    const result = await simulate({ config, source: await moduleSource(logging), record: true });
    const lines = (result.trace ?? []).flatMap((record) => (record.kind === 'console' ? [`${record.level}: ${record.text}`] : []));
    expect(lines).toContain('error: TypeError: bad thing');
    expect(lines).toContain('warn: while saving Error: boom {"a":1}');
  });
});
