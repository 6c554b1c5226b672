import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { describeThrown } from '../src/errors.ts';
import { sweep } from '../src/explore/sweep.ts';
import { forkStream } from '../src/kernel/random.ts';
import { instanceGlobalNames, namesUsedBy } from '../src/providers/instance-globals.ts';
import { routedNodeCryptoNames } from '../src/providers/node-crypto.ts';
import type { NondeterminismFinding, TimeAndRandom } from '../src/providers/nondeterminism.ts';
import type { InstanceHooks } from '../src/providers/sandbox.ts';
import type { ProviderSource } from '../src/providers/source.ts';
import type { ProviderEnv } from '../src/providers/types.ts';
import { simulate } from '../src/simulate.ts';
import { exampleSource, buggyExamples, fixturePath, goodExamples, moduleSource, traceHash } from './support.ts';
import { temporaryFolder } from '../test/temporary-folder.ts';

const clientIds = fc.constantFrom('c1', 'c2', 'c7', 'probe-1');
const seeds = fc.integer({ min: 0, max: 2 ** 31 });

/** One instance's hooks, with its findings and console lines collected. */
function collectingHooks(clientId: string, seed: number, clockMs = 1_767_225_600_000, elapsedMs = 1_234, timeAndRandom: TimeAndRandom = 'route') {
  const findings: NondeterminismFinding[] = [];
  const logs: string[] = [];
  const stream = forkStream(seed, `globals:${clientId}`);
  const hooks: InstanceHooks = {
    clientId,
    clock: () => clockMs,
    elapsed: () => elapsedMs,
    random: () => stream.next(),
    log: (level, text) => logs.push(`${level}: ${text}`),
    report: (finding) => findings.push(finding),
    timeAndRandom,
  };
  return { hooks, findings, logs };
}

// The fixtures use no env member: an env whose members all refuse keeps the test independent of the model.
function unusedEnv(clientId: string): ProviderEnv {
  const refuse = (): never => {
    throw new Error('this fixture does not use env');
  };
  return { clientId, now: refuse, random: refuse, randomBytes: refuse, sleep: refuse, keyStore: { get: refuse, set: refuse, setIfAbsent: refuse, delete: refuse, list: refuse } };
}

/** Makes a fresh instance with `hooks`, calls its provider once and settles: what it answered or why not. */
async function callOnce(source: ProviderSource, hooks: InstanceHooks, documentId = 'd1'): Promise<{ value?: unknown; reason?: string }> {
  const created = source.create(unusedEnv(hooks.clientId ?? 'c1'), hooks);
  if (!created.ok) return { reason: created.problem };
  let outcome: { value?: unknown; reason?: string } = { reason: 'the provider did not settle' };
  source.realm.observe(
    created.provider({ documentId, keyHint: null }),
    (value) => (outcome = { value }),
    (reason) => (outcome = { reason: describeThrown(reason) }),
  );
  await source.realm.settle();
  return outcome;
}

/** A source whose instances report findings into `findings`, as the model will once it plumbs `report`. */
function reportingSource(source: ProviderSource, findings: NondeterminismFinding[]): ProviderSource {
  return { ...source, create: (env, hooks) => source.create(env, { ...hooks, clientId: env.clientId, report: (finding) => findings.push(finding) }) };
}

// Escape (a documentId of the fixture) → the call its finding must name; `attributed: false` where no client
// can be named (after an await, through the sandbox's real global object).
const escapes: Record<string, { api: string; attributed?: false }> = {
  'real global Date.now': { api: 'Date.now()' },
  'real global new Date': { api: 'new Date()' },
  'real global Date()': { api: 'Date()' },
  'real global Math.random': { api: 'Math.random()' },
  'indirect eval performance.now': { api: 'performance.now()' },
  'real global crypto.getRandomValues': { api: 'crypto.getRandomValues()' },
  'real global crypto.randomUUID': { api: 'crypto.randomUUID()' },
  'Math prototype random': { api: 'Math.random()' },
  'Date prototype constructor now': { api: 'Date.now()' },
  'setTimeout': { api: 'setTimeout()' },
  'setInterval': { api: 'setInterval()' },
  'setImmediate': { api: 'setImmediate()' },
  'globalThis.setTimeout': { api: 'setTimeout()' },
  'real global setTimeout': { api: 'setTimeout()' },
  'fetch': { api: 'fetch()' },
  'WebSocket': { api: 'new WebSocket()' },
  'XMLHttpRequest': { api: 'new XMLHttpRequest()' },
  'node:http': { api: 'require("node:http")' },
  'node:https': { api: 'require("node:https")' },
  'node:net': { api: 'require("node:net")' },
  'node:dgram': { api: 'require("node:dgram")' },
  'node:tls': { api: 'require("node:tls")' },
  'undici': { api: 'require("undici")' },
  'node:timers/promises': { api: 'require("node:timers/promises")' },
  'crypto.generateKeySync': { api: 'crypto.generateKeySync()' },
  'real global Date.now after an await': { api: 'Date.now()', attributed: false },
};

describe('nondeterminism in provider code is routed to the simulation or reported', async () => {
  const escapeSource = await moduleSource(fixturePath('nondeterminism-escapes.ts'));
  const routedSource = await moduleSource(fixturePath('nondeterminism-routed.ts'));

  for (const [escape, expected] of Object.entries(escapes)) {
    it(`${escape}: reported once, naming ${expected.api}${expected.attributed === false ? ' (no client can be named)' : ' and the client'}`, async () => {
      await fc.assert(
        fc.asyncProperty(clientIds, seeds, async (clientId, seed) => {
          const { hooks, findings } = collectingHooks(clientId, seed);
          const outcome = await callOnce(escapeSource, hooks, escape);
          expect(outcome.reason).toBeUndefined();
          const finding = expected.attributed === false ? { api: expected.api, detail: expect.any(String) } : { api: expected.api, clientId, detail: expect.any(String) };
          expect(findings).toEqual([finding]);
        }),
        { numRuns: 4 },
      );
    });
  }

  it('by default, reading the clock or Math.random is reported once per call and client, answered from the simulation; crypto randomness and pure APIs are not', async () => {
    await fc.assert(
      fc.asyncProperty(clientIds, seeds, fc.integer({ min: 0, max: 4e12 }), async (clientId, seed, clockMs) => {
        const reporting = collectingHooks(clientId, seed, clockMs, 1_234, 'report');
        const routing = collectingHooks(clientId, seed, clockMs, 1_234, 'route');
        const answer = await callOnce(routedSource, reporting.hooks);
        // Reporting changes nothing the module sees: the run is as reproducible and shrinkable as a routed one.
        expect(await callOnce(routedSource, routing.hooks)).toEqual(answer);
        const reported = reporting.findings.map((finding) => `${finding.clientId ?? '-'} ${finding.api}`).sort();
        expect(reported).toEqual([`${clientId} Date()`, `${clientId} Date.now()`, `${clientId} Math.random()`, `${clientId} new Date()`, `${clientId} performance.now()`]);
        expect(reporting.findings.find((finding) => finding.api === 'Date.now()')?.detail).toContain('env.now()');
        expect(reporting.findings.find((finding) => finding.api === 'Math.random()')?.detail).toContain('--time-and-random route');
      }),
      { numRuns: 10 },
    );
  });

  it('with --time-and-random route, routed and pure APIs are never reported, and answer from the simulated clock and seeded stream alone', async () => {
    await fc.assert(
      fc.asyncProperty(clientIds, seeds, fc.integer({ min: 0, max: 4e12 }), async (clientId, seed, clockMs) => {
        const first = collectingHooks(clientId, seed, clockMs);
        const second = collectingHooks(clientId, seed, clockMs);
        const answer = await callOnce(routedSource, first.hooks);
        expect(await callOnce(routedSource, second.hooks)).toEqual(answer);
        expect([...first.findings, ...first.logs]).toEqual([]);
        const { before, after } = JSON.parse((answer.value as { key: string }).key) as Record<string, Record<string, unknown>>;
        expect(before).toMatchObject({ dateNow: clockMs, newDate: clockMs, globalDateNow: clockMs, performanceNow: 1_234, perfHooksNow: 1_234 });
        expect(before?.['mathRandom']).toBe(forkStream(seed, `globals:${clientId}`).next());
        expect(before).toMatchObject({ dateParse: 1_577_836_800_000, dateFromNumber: '1970-01-02T00:00:00.000Z', dateUTC: Date.UTC(2020, 1, 2) });
        expect(before?.['hmac']).toBe(createHmac('sha256', 'secret').update('d1:v1').digest('base64'));
        // Each routed draw takes fresh numbers from the stream: the second reading differs from the first.
        expect(after?.['nodeRandomBytes']).not.toBe(before?.['nodeRandomBytes']);
        expect(after?.['nodeRandomBytesCallback']).toMatch(/^[0-9a-f]{8}$/);
      }),
      { numRuns: 25 },
    );
  });

  describe('globals a module never names are not made, yet nothing can reach an unrouted one', () => {
    const folder = temporaryFolder('rtc-sim-unnamed-globals-');
    // Each reaches the instance's Date without the word "Date" in scope where the scan could miss it.
    const reaches: Record<string, string> = {
      'direct eval': `export default async () => ({ key: String(eval('Da' + 'te').now()), keyHint: 'h' });`,
      'the wrapper\'s arguments': `const found = Array.from(arguments).find((value) => typeof value === 'function' && typeof value.now === 'function' && typeof value.UTC === 'function');
        export default async () => ({ key: String(found.now()), keyHint: 'h' });`,
    };
    for (const [how, code] of Object.entries(reaches)) {
      it(`through ${how}, the simulated clock answers and nothing is reported`, async () => {
        const path = join(folder, `${how.replace(/\W+/g, '-')}.js`);
        writeFileSync(path, code);
        const { hooks, findings } = collectingHooks('c3', 9, 42_000);
        expect(await callOnce(await moduleSource(path), hooks)).toEqual({ value: { key: '42000', keyHint: 'h' } });
        expect(findings).toEqual([]);
      });
    }

    it('node:crypto: a routed member the code does not name is absent, never the real one; a named one is routed', async () => {
      const computed = join(folder, 'computed-crypto-name.js');
      // "random" + "Bytes": the scan cannot see the name, so the instance has no such member (not the real one).
      writeFileSync(computed, `import * as c from 'node:crypto';
        const name = ['random', 'Bytes'].join('');
        export default async () => ({ key: String(typeof c[name]) + ':' + String(typeof c.default[name]) + ':' + c.createHash('sha256').update('x').digest('hex').slice(0, 8), keyHint: 'h' });`);
      const { hooks, findings } = collectingHooks('c1', 3);
      expect(await callOnce(await moduleSource(computed), hooks)).toEqual({ value: { key: 'undefined:undefined:2d711642', keyHint: 'h' } });
      expect(findings).toEqual([]);
      const named = join(folder, 'named-crypto-name.js');
      writeFileSync(named, `import { randomBytes } from 'node:crypto';
        export default async () => ({ key: randomBytes(4).toString('hex'), keyHint: 'h' });`);
      const answers = new Set<unknown>();
      for (const seed of [1, 2]) for (let repeat = 0; repeat < 2; repeat++) answers.add(JSON.stringify(await callOnce(await moduleSource(named), collectingHooks('c1', seed).hooks)));
      expect(answers.size).toBe(2);
    });

    it('the scan names exactly the globals a module mentions, as whole words', () => {
      expect(namesUsedBy('const t = Date.now(); const p = performance; require("x");')).toEqual({ globals: new Set(['Date', 'performance']), require: true, nodeCrypto: new Set() });
      expect(namesUsedBy('const xDate = 1, Date$ = 2, $fetch = 3; // nothing else')).toEqual({ globals: new Set(), require: false, nodeCrypto: new Set() });
      expect(namesUsedBy('module.exports = 1;\n//# sourceMappingURL=data:application/json;base64,Date fetch')).toEqual({ globals: new Set(), require: false, nodeCrypto: new Set() });
      expect(namesUsedBy('eval(x)').globals.size).toBe(instanceGlobalNames.length);
      expect(namesUsedBy('require("crypto").randomBytes(4); c.randomUUIDs; x.webcrypto')).toMatchObject({ nodeCrypto: new Set(['randomBytes', 'webcrypto']) });
      expect(namesUsedBy('eval(x)').nodeCrypto.size).toBe(routedNodeCryptoNames.length);
    });
  });

  it('node:crypto random sources draw from the seeded stream: two seeds give two answers', async () => {
    const answers = new Set<unknown>();
    for (const seed of [1, 2, 3]) answers.add(JSON.stringify(await callOnce(routedSource, collectingHooks('c1', seed).hooks)));
    expect(answers.size).toBe(3);
  });

  it('every bundled example, good-derived-key.ts (node:crypto HMAC) among them, makes no finding in 60 seeded runs', async () => {
    for (const name of [...goodExamples, ...buggyExamples]) {
      const findings: NondeterminismFinding[] = [];
      const source = reportingSource(await exampleSource(name), findings);
      // Faults off: a key-store fault rejecting a write a buggy example never awaits is not what this tests.
      for (let seed = 1; seed <= 60; seed++) await simulate({ config: drawConfig(seed, { faultMode: 'never' }), source });
      expect({ name, findings }).toEqual({ name, findings: [] });
    }
  });

  describe('findings through a whole run', () => {
    const folder = temporaryFolder('rtc-sim-nondeterminism-');
    const escaping = join(folder, 'escaping.ts');
    writeFileSync(
      escaping,
      `const real = Function('return this')();
      export function createProvider() {
        return async ({ documentId, keyHint }) => {
          for (let index = 0; index < 1000; index++) {
            real.Math.random();
            try { setTimeout(() => undefined, 1); } catch {}
          }
          if (keyHint !== null) return { key: 'key of ' + documentId + '/' + keyHint };
          return { key: 'key of ' + documentId + '/v' + Math.floor(real.Math.random() * 10), keyHint: 'v' + Math.floor(real.Math.random() * 10) };
        };
      }`,
    );

    it('each API is reported once per module instance, however often it is called', async () => {
      const source = await moduleSource(escaping);
      const { hooks, findings } = collectingHooks('c3', 9);
      const created = source.create(unusedEnv('c3'), hooks);
      if (!created.ok) throw new Error(created.problem);
      for (const keyHint of [null, 'v1', 'v2']) source.realm.observe(created.provider({ documentId: 'd1', keyHint }), () => undefined, () => undefined);
      await source.realm.settle();
      expect(findings.map((finding) => `${finding.clientId}: ${finding.api}`).sort()).toEqual(['c3: Math.random()', 'c3: setTimeout()']);
      const { hooks: other, findings: otherFindings } = collectingHooks('c4', 9);
      await callOnce(source, other);
      expect(otherFindings.map((finding) => `${finding.clientId}: ${finding.api}`).sort()).toEqual(['c4: Math.random()', 'c4: setTimeout()']);
    });

    it('a run with findings replays byte for byte, findings included: reported calls answer from the simulation', async () => {
      await fc.assert(
        fc.asyncProperty(seeds, async (seed) => {
          const runs = [];
          for (const attempt of [1, 2]) {
            const findings: NondeterminismFinding[] = [];
            const source = reportingSource(await moduleSource(escaping), findings);
            runs.push({ attempt, hash: traceHash(await simulate({ config: drawConfig(seed, {}), source, record: true })), findings });
          }
          expect(runs[1]?.hash).toBe(runs[0]?.hash);
          expect(runs[1]?.findings).toEqual(runs[0]?.findings);
        }),
        { numRuns: 10 },
      );
    });

    it('without a report hook, a finding is written to the console trace as a warning, not lost', async () => {
      const { hooks, logs } = collectingHooks('c1', 1);
      const { report: _report, ...withoutReport } = hooks;
      await callOnce(escapeSource, withoutReport, 'setTimeout');
      expect(logs).toEqual([expect.stringMatching(/^warn: rtc-sim nondeterminism: setTimeout\(\): .*env\.sleep/)]);
    });

    it('a sweep over a module with findings still ends (the findings do not hang or crash the run)', async () => {
      const report = await sweep({ source: await moduleSource(escaping), runs: 30, seed: 1, pins: {} });
      expect(report.runs).toBeGreaterThan(0);
    });
  });
});
