import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { sweep } from '../src/explore/sweep.ts';
import { simulate } from '../src/simulate.ts';
import { fixturePath, moduleSource } from './support.ts';
import { temporaryFolder } from '../test/temporary-folder.ts';

describe('provider modules', () => {
  it('a default-export module gets one fresh instance per simulated client (and per probe)', async () => {
    const source = await moduleSource(fixturePath('instance-counter.ts'));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 6 }), async (seed, clients) => {
        const config = drawConfig(seed, { clients, faultMode: 'never' });
        const result = await simulate({ config, source, record: true });
        expect(result.outcome).toEqual({ kind: 'pass' });
        const logs = (result.trace ?? []).flatMap((record) => (record.kind === 'console' ? [{ actor: record.actor, text: record.text }] : []));
        const creations = logs.filter((log) => /^instance \d+$/.test(log.text));
        const probes = config.retentionHorizonsMs.map((_, index) => `probe-${index + 1}`);
        const actors = [...Array.from({ length: clients }, (_, index) => `c${index + 1}`), ...probes];
        // Each browser created exactly one instance, and no two browsers share one.
        expect(creations.map((log) => log.actor).sort()).toEqual([...actors].sort());
        expect(new Set(creations.map((log) => log.text)).size).toBe(actors.length);
        // Module-level state starts afresh in each instance: every browser's first call is call 1.
        for (const actor of actors) {
          const calls = logs.filter((log) => log.actor === actor && log.text.includes(' call '));
          expect(calls[0]?.text).toMatch(/ call 1$/);
        }
      }),
      { numRuns: 20 },
    );
  });

  describe('a module outside the repository, in a folder with no package.json, by absolute path', () => {
    const folder = temporaryFolder('rtc-sim-outside-');
    const variants = {
      'provider.ts': `
        import type { ProviderEnv } from 'rtc-sim';
        const seen: string[] = [];
        export function createProvider(env: ProviderEnv) {
          return async ({ documentId, keyHint }: { documentId: string; keyHint: string | null }) => {
            seen.push(env.clientId);
            return { key: 'fixed ' + documentId, keyHint: keyHint ?? 'v1' };
          };
        }`,
      'provider.mjs': `
        export default async function ({ documentId, keyHint }) {
          return { key: 'fixed ' + documentId, keyHint: keyHint ?? 'v1' };
        }`,
      'provider.cjs': `
        const { createHash } = require('node:crypto');
        module.exports.createProvider = () => async ({ documentId, keyHint }) => ({
          key: createHash('sha256').update(documentId).digest('hex'),
          keyHint: keyHint ?? 'v1',
        });`,
      'buggy.js': `
        export function createProvider(env) {
          return async () => ({ key: String(env.random()), keyHint: 'same' });
        }`,
    };
    for (const [name, code] of Object.entries(variants)) writeFileSync(join(folder, name), code);

    for (const name of ['provider.ts', 'provider.mjs', 'provider.cjs']) {
      it(`${name} loads and passes`, async () => {
        const source = await moduleSource(join(folder, name));
        const report = await sweep({ source, runs: 200, seed: 1, pins: {} });
        expect(report.verdict).toBe('pass');
      });
    }

    it('buggy.js loads and is caught', async () => {
      const source = await moduleSource(join(folder, 'buggy.js'));
      const report = await sweep({ source, runs: 200, seed: 1, pins: {} });
      expect(report.failure?.property).toBe('hint-stability');
    });
  });
});
