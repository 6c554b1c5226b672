import { describe, expect, it } from 'vitest';
import { noFaults } from '../src/config/fault-plan.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { selfCheck, sweep } from '../src/explore/sweep.ts';
import { simulate } from '../src/simulate.ts';
import { moduleSource, traceHash } from '../properties/support.ts';
import { scratchModules } from './cli-support.ts';

const { write: module } = scratchModules('rtc-sim-subtle-keys');

// A browser that makes its keys with WebCrypto, as many integrators do: an AES-GCM key (or an HMAC key) made
// by generateKey, exported raw and base64-encoded and kept in the shared store; its hint the key's own digest.
const generating = (algorithm: string) =>
  module(
    `generate-${algorithm.replace(/\W/g, '')}.ts`,
    `const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
export function createProvider(env) {
  return async ({ documentId, keyHint }) => {
    if (keyHint !== null) {
      const key = await env.keyStore.get(documentId + '/' + keyHint);
      if (key === undefined) throw new Error('no key for ' + keyHint);
      return { key };
    }
    const key = await crypto.subtle.generateKey(${algorithm}, true, ${algorithm.includes('HMAC') ? "['sign', 'verify']" : "['encrypt', 'decrypt']"});
    const raw = base64(await crypto.subtle.exportKey('raw', key));
    const hint = base64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw))).slice(0, 16);
    if (!(await env.keyStore.setIfAbsent(documentId + '/' + hint, raw))) throw new Error('hint taken');
    return { key: raw, keyHint: hint };
  };
}`,
  );

describe("crypto.subtle.generateKey of a secret key draws from the seeded stream", () => {
  for (const algorithm of ["{ name: 'AES-GCM', length: 256 }", "{ name: 'HMAC', hash: 'SHA-256' }"]) {
    it(`${algorithm}: the same seed makes the same keys, byte for byte, and nothing is reported`, async () => {
      const source = await moduleSource(generating(algorithm));
      const config = { ...drawConfig(3, { clients: 2, faultMode: 'never' }), faults: noFaults };
      const first = await simulate({ config, source, record: true });
      expect(first.outcome).toEqual({ kind: 'pass' });
      const keys = (first.trace ?? []).flatMap((record) => (record.kind === 'provider-answer' && record.requestedHint === null ? [record.key] : []));
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((key) => atob(key).length === (algorithm.includes('HMAC') ? 64 : 32))).toBe(true);
      expect(traceHash(await simulate({ config, source, record: true }))).toBe(traceHash(first));
      expect(await selfCheck(source, config)).toBeUndefined();
      expect((first.trace ?? []).some((record) => record.kind === 'nondeterminism')).toBe(false);
      // Another seed, other keys.
      const other = await simulate({ config: { ...config, seed: 4 }, source, record: true });
      const otherKeys = (other.trace ?? []).flatMap((record) => (record.kind === 'provider-answer' && record.requestedHint === null ? [record.key] : []));
      expect(otherKeys[0]).not.toBe(keys[0]);
    });
  }

  it("a sweep of such a provider passes its self-checks (it failed as nondeterministic when the key was the host's)", async () => {
    const report = await sweep({ source: await moduleSource(generating("{ name: 'AES-GCM', length: 256 }")), runs: 40, seed: 1, pins: {} });
    expect(report.failure?.message).toBeUndefined();
  });
});
