import { builtinModules } from 'node:module';
import process from 'node:process';
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/explore/sweep.ts';
import { builtinTreatment, unclassifiedBuiltins } from '../../src/providers/builtin-policy.ts';
import { sourceFromFactory } from '../../src/providers/source.ts';

describe('containment by construction', () => {
  it("every built-in of this Node is classified; one the table does not know is refused member by member", () => {
    expect(unclassifiedBuiltins()).toEqual([]);
    expect(builtinModules.length).toBeGreaterThan(60);
    expect(builtinTreatment('a-module-a-newer-node-adds')).toEqual({ kind: 'members', allowed: new Set() });
    expect(builtinTreatment('child_process')).toEqual({ kind: 'members', allowed: new Set() });
    expect(builtinTreatment('path')).toEqual({ kind: 'real' });
  });
});

describe('a provider passed in as a function (the vitest helper, sweep()) that ends the process', () => {
  it("process.exit(0) from node:process's default import is refused and named: the sweep ends with a determinism failure, the test process lives", async () => {
    const source = sourceFromFactory(() => async ({ keyHint }) => {
      process.exit(0);
      return { key: 'k', keyHint: keyHint ?? 'h' };
    });
    const report = await sweep({ source, runs: 3, seed: 1, pins: { clients: 2 } });
    expect(report.failure?.property).toBe('determinism');
    expect(report.failure?.message).toMatch(/process\.exit\(\): a simulated machine cannot end, signal or reach past its process/);
  });
});
