import { describe, expect, it } from 'vitest';
import { jwtErrorTexts } from '../src/model/auth/jwt-errors.ts';
import { scenarioEnding } from '../src/scenario.ts';
import { playScenario } from './support.ts';

const refusals: Record<string, string> = {
  'jwt-unsupported-algorithm': jwtErrorTexts.unsupportedAlgorithm,
  'jwt-expired': jwtErrorTexts.expired,
  'jwt-not-yet-valid': jwtErrorTexts.notYetValid,
  'jwt-unknown-key': jwtErrorTexts.jwkSetUnavailable,
  'jwt-not-enough-parts': jwtErrorTexts.notEnoughParts,
  'jwt-bad-base64': jwtErrorTexts.badBase64,
  'jwt-bad-json': jwtErrorTexts.badJson,
  'jwt-no-algorithm': jwtErrorTexts.missingAlgorithm,
  'jwt-missing-claims': jwtErrorTexts.missingRequiredClaims,
};

describe('JWT scenarios: one per error text of the seeds', () => {
  it('every documented text has a scenario (issued-in-the-future is jwt-clock-ahead)', () => {
    const covered = new Set([...Object.values(refusals), jwtErrorTexts.issuedInFuture]);
    for (const text of [jwtErrorTexts.unsupportedAlgorithm, jwtErrorTexts.issuedInFuture, jwtErrorTexts.expired, jwtErrorTexts.notYetValid, jwtErrorTexts.jwkSetUnavailable, jwtErrorTexts.notEnoughParts, jwtErrorTexts.badBase64, jwtErrorTexts.badJson, jwtErrorTexts.missingAlgorithm, jwtErrorTexts.missingRequiredClaims]) {
      expect(covered.has(text)).toBe(true);
    }
  });

  for (const [name, text] of Object.entries(refusals)) {
    it(`${name}: the server refuses with "${text}", the client gets a jwt disconnect and never collaborates`, async () => {
      const result = await playScenario(name);
      const trace = result.trace ?? [];
      const refusal = trace.find((record) => record.kind === 'auth' && !record.ok);
      expect(refusal?.kind === 'auth' && refusal.error).toBe(text);
      expect(trace.some((record) => record.kind === 'state' && record.state === 'disconnected' && record.waitingFor.kind === 'reconnection' && record.waitingFor.cause.kind === 'jwt' && record.waitingFor.cause.problem === text)).toBe(true);
      expect(trace.some((record) => record.kind === 'state' && record.state === 'collaborating')).toBe(false);
      expect(scenarioEnding(result)).toBe('liveness');
    });
  }

  it('jwt-clock-ahead: "JWT was issued in the future" for the skewed client, then success once its clock is corrected', async () => {
    const result = await playScenario('jwt-clock-ahead');
    const trace = result.trace ?? [];
    const c2Auth = trace.flatMap((record) => (record.kind === 'auth' && record.client === 'c2' ? [{ ok: record.ok, error: record.error, timeMs: record.timeMs }] : []));
    expect(c2Auth.filter((entry) => !entry.ok).every((entry) => entry.error === jwtErrorTexts.issuedInFuture && entry.timeMs < 20_000)).toBe(true);
    expect(c2Auth.filter((entry) => !entry.ok).length).toBeGreaterThanOrEqual(2);
    expect(c2Auth.find((entry) => entry.ok)?.timeMs).toBeGreaterThan(20_000);
    expect(trace.some((record) => record.kind === 'auth' && record.client === 'c1' && !record.ok)).toBe(false);
    expect(scenarioEnding(result)).toBe('pass');
  });
});
