import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import type { AuthSettings } from '../src/config/fault-plan.ts';
import { sweep } from '../src/explore/sweep.ts';
import { jwtErrorTexts } from '../src/model/auth/jwt-errors.ts';
import { Server } from '../src/model/server.ts';
import { simulate } from '../src/simulate.ts';
import { exampleSource } from './support.ts';

const auth: AuthSettings = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 };
const timeErrors: readonly string[] = [jwtErrorTexts.issuedInFuture, jwtErrorTexts.notYetValid, jwtErrorTexts.expired];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('JWT authentication in the model', () => {
  // Two clocks each within 13.5 s differ by at most 27 s, plus a second of rounding: inside the 30 s leeway.
  it('with every clock within the leeway, no time-based JWT error ever appears', async () => {
    const source = await exampleSource('good-store-backed-dynamic.ts');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 13_500 }), fc.integer({ min: 0, max: 200 }), async (seed, skewMsMax, driftPpmMax) => {
        const config = drawConfig(seed, { auth, clients: 3, clocks: { skewMsMax, driftPpmMax } });
        const result = await simulate({ config, source, record: true });
        const errors = (result.trace ?? []).flatMap((record) => (record.kind === 'auth' && !record.ok ? [record.error] : []));
        expect(errors.filter((error) => timeErrors.includes(error ?? ''))).toEqual([]);
        expect(result.outcome).toEqual({ kind: 'pass' });
      }),
      { numRuns: 40 },
    );
  });

  // JWT times are whole seconds: a lead of 31 s can round down to exactly the 30 s leeway, so "more than the
  // leeway" starts at 32 s.
  it('a signer clock ahead of the server by more than the leeway gets "JWT was issued in the future"', async () => {
    const source = await exampleSource('good-static-key.ts');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 32_000, max: 3_600_000 }), async (seed, aheadMs) => {
        // A fast network: a token that spends seconds in flight ages back inside the leeway, as it should.
        const network = { minMs: 1, maxMs: 20, tailProbability: 0, tailMaxMs: 20 };
        const config = drawConfig(seed, { auth, clients: 2, faultMode: 'never', network, clocks: { skewMsMax: 0, driftPpmMax: 0, skewsMs: { c2: aheadMs } } });
        const result = await simulate({ config, source, record: true });
        const refusals = (result.trace ?? []).filter((record) => record.kind === 'auth' && record.client === 'c2' && !record.ok);
        expect(refusals.length).toBeGreaterThan(0);
        for (const refusal of refusals) expect(refusal.kind === 'auth' && refusal.error).toBe(jwtErrorTexts.issuedInFuture);
      }),
      { numRuns: 15 },
    );
  });

  it('a signer clock behind by more than the token lifetime plus the leeway gets "JWT has expired"', async () => {
    const source = await exampleSource('good-static-key.ts');
    const config = drawConfig(9, { auth, clients: 1, faultMode: 'never', clocks: { skewMsMax: 0, driftPpmMax: 0, skewsMs: { c1: -(331_000) } } });
    const result = await simulate({ config, source, record: true });
    const refusal = (result.trace ?? []).find((record) => record.kind === 'auth' && !record.ok);
    expect(refusal?.kind === 'auth' && refusal.error).toBe(jwtErrorTexts.expired);
  });

  it('good providers keep every property, authorization included, with JWT on and some clients viewers', async () => {
    const source = await exampleSource('good-timestamp-hint.ts');
    const report = await sweep({ source, runs: 150, seed: 3, pins: { auth: { ...auth, viewers: ['c2', 'c4'] }, clientsMin: 3, clientsMax: 5 } });
    expect(report.failure?.message).toBeUndefined();
    expect(report.verdict).toBe('pass');
  });

  it('tokens are refreshed before they expire, and the refreshed tokens are admitted', async () => {
    const source = await exampleSource('good-static-key.ts');
    const config = drawConfig(4, { auth: { ...auth, tokenLifetimeSeconds: 20 }, clients: 2, faultMode: 'never', arrivalTimesMs: [0, 90_000] });
    const result = await simulate({ config, source, record: true });
    const refreshes = (result.trace ?? []).filter((record) => record.kind === 'deliver' && record.message.type === 'refreshToken');
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect((result.trace ?? []).filter((record) => record.kind === 'auth' && !record.ok)).toEqual([]);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });
});

describe('the authorization property has teeth', () => {
  it('a server that skips verification gives session data to a client without a valid token', async () => {
    vi.spyOn(Server.prototype, 'authenticate').mockImplementation((_from, _documentId, _token, proceed) => proceed());
    vi.spyOn(Server.prototype, 'mayWrite').mockReturnValue(true);
    const result = await simulate({ config: drawConfig(1, { auth, faultMode: 'never' }), source: await exampleSource('good-static-key.ts') });
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('authorization');
    expect(result.outcome.kind === 'violation' && result.outcome.violation.message).toContain('presented no valid token');
  });

  it('a server that lets a viewer create writes with a read-only token', async () => {
    vi.spyOn(Server.prototype, 'mustWaitForEditor').mockReturnValue(false);
    vi.spyOn(Server.prototype, 'mayWrite').mockReturnValue(true);
    const config = drawConfig(1, { auth: { ...auth, viewers: ['c1'] }, clients: 1, faultMode: 'never' });
    const result = await simulate({ config, source: await exampleSource('good-static-key.ts') });
    expect(result.outcome.kind === 'violation' && result.outcome.violation.message).toContain('admitted as a viewer, wrote');
  });

  it('with only viewers nobody can create the document: liveness says so', async () => {
    const config = drawConfig(1, { auth: { ...auth, viewers: ['c1', 'c2'] }, clients: 2, faultMode: 'never' });
    const result = await simulate({ config, source: await exampleSource('good-static-key.ts') });
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('liveness');
  });
});
