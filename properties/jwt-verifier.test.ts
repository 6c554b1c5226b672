import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { exportSPKI, FlattenedSign, importJWK, type CryptoKey, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import testKeyFile from '../fixtures/jwt/test-keys.json' with { type: 'json' };
import { documentedJwtErrorKinds, jwtErrorTexts, type JwtErrorKind } from '../src/model/auth/jwt-errors.ts';
import { otherKeyId, publicJwk, publicJwks, signTestToken, testKeyId } from '../src/model/auth/test-keys.ts';
import type { RsaAlgorithm } from '../src/model/auth/test-keys.ts';
import { acceptedAlgorithms, documentClaim, roleClaim, verifyToken } from '../src/model/auth/verify-token.ts';
import type { VerifyOptions, VerifyResult } from '../src/model/auth/verify-token.ts';

// RSA signing is the slow part, so tokens are signed once in beforeAll and the generators mutate them. Every
// pooled token shares one time layout, so the time properties move the server clock instead of re-signing.
const issuedAt = 1_700_000_000;
const notBefore = issuedAt + 300;
const expiresAt = issuedAt + 3600;
const insideEveryWindow = notBefore + 100;
const documentId = 'doc-under-test';
const farAway = 10_000_000;

type Claims = Record<string, unknown>;
interface PooledToken {
  token: string;
  claims: Claims;
  role: 'editor' | 'viewer';
  hasIat: boolean;
  hasNbf: boolean;
  hasDocument: boolean;
}
interface RefusedToken { token: string; expected: JwtErrorKind }

const pool: PooledToken[] = [];
const otherKeyTokens: RefusedToken[] = [];
const signedButRefused: RefusedToken[] = [];
const hmacSecrets: Buffer[] = [];
let tokensChecked = 0;

const split = (token: string) => token.split('.') as [string, string, string];
const encodeText = (text: string | Uint8Array) => Buffer.from(text).toString('base64url');
const encodeJson = (value: unknown) => encodeText(JSON.stringify(value));
const decodeJson = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Claims;

beforeAll(async () => {
  // 48 valid tokens: every algorithm × presence of iat, nbf and the document claim; role and kid vary as well.
  for (let index = 0; index < 48; index += 1) {
    const alg = acceptedAlgorithms[index % 6] as RsaAlgorithm;
    const variant = Math.floor(index / 6);
    const [hasIat, hasNbf, hasDocument] = [(variant & 1) > 0, (variant & 2) > 0, (variant & 4) > 0];
    const role = ([undefined, 'editor', 'viewer'] as const)[index % 3];
    const claims: Claims = { sub: `user-${index}`, exp: expiresAt };
    if (hasIat) claims.iat = issuedAt;
    if (hasNbf) claims.nbf = notBefore;
    if (hasDocument) claims[documentClaim] = documentId;
    if (role !== undefined) claims[roleClaim] = role;
    const token = await signTestToken(claims, { alg, kid: index % 4 === 3 ? null : testKeyId });
    pool.push({ token, claims, role: role ?? 'editor', hasIat, hasNbf, hasDocument });
  }
  const good = { sub: 'someone', exp: expiresAt };
  for (const alg of ['RS256', 'PS512'] as const) {
    const sign = (kid?: string | null) => signTestToken(good, { alg, key: 'other', ...(kid === undefined ? {} : { kid }) });
    otherKeyTokens.push({ token: await sign(), expected: 'jwkSetUnavailable' }); // kid rtc-sim-other-1
    otherKeyTokens.push({ token: await sign(testKeyId), expected: 'invalidSignature' });
    otherKeyTokens.push({ token: await sign(null), expected: 'invalidSignature' });
  }
  // Correctly signed by the trusted key, yet refused for what they say.
  const refusedContent: [Claims, JwtErrorKind][] = [
    [{ exp: expiresAt }, 'missingRequiredClaims'],
    [{ sub: 'someone' }, 'missingRequiredClaims'],
    [{ sub: 'someone', exp: String(expiresAt) }, 'missingRequiredClaims'],
    [{ ...good, iat: 'yesterday' }, 'missingRequiredClaims'],
    [{ ...good, [roleClaim]: 'admin' }, 'invalidRole'],
    [{ ...good, [roleClaim]: 'Editor' }, 'invalidRole'],
    [{ ...good, [roleClaim]: null }, 'invalidRole'],
    [{ ...good, [documentClaim]: 42 }, 'wrongDocument'],
  ];
  for (const [claims, expected] of refusedContent) signedButRefused.push({ token: await signTestToken(claims), expected });
  // RFC 7797 unencoded payload: jose verifies the payload part as raw ASCII, which here also decodes to valid
  // claims — so the claims the verifier reads are not the bytes that were signed.
  const payloadText = encodeJson(good);
  const unencoded = await new FlattenedSign(Buffer.from(payloadText))
    .setProtectedHeader({ alg: 'RS256', kid: testKeyId, b64: false, crit: ['b64'] })
    .sign(await importJWK(testKeyFile.test.privateJwk, 'RS256'));
  signedButRefused.push({ token: `${unencoded.protected}.${payloadText}.${unencoded.signature}`, expected: 'invalidSignature' });
  // The classic key-confusion attack: the public key's own material as an HMAC secret.
  const modulus = publicJwk().n ?? '';
  const pem = await exportSPKI((await importJWK(publicJwk(), 'RS256')) as CryptoKey);
  hmacSecrets.push(Buffer.from(modulus), Buffer.from(modulus, 'base64url'), Buffer.from(pem), Buffer.from(JSON.stringify(publicJwk())));
});

afterAll(() => {
  // Printed so that the size of the run sits next to the timing vitest reports.
  console.info(`jwt-verifier properties checked ${tokensChecked} tokens`);
});

function check(token: unknown, options: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  tokensChecked += 1;
  const defaults = { jwks: publicJwks(), nowSeconds: insideEveryWindow, leewaySeconds: 30, documentId };
  return verifyToken(token, { ...defaults, ...options });
}

function expectRefused(result: VerifyResult, ...kinds: JwtErrorKind[]): void {
  expect(result.ok, 'token was admitted').toBe(false);
  if (result.ok) return;
  expect(kinds).toContain(result.kind);
  expect(result.message).toBe(jwtErrorTexts[result.kind]);
}

function notAnObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value !== 'object' || value === null || Array.isArray(value);
  } catch {
    return true;
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The earliest clock reading at which a pooled token is admitted (no lower bound without iat and nbf). */
const earliest = (pooledToken: PooledToken, skew: number) =>
  (pooledToken.hasNbf ? notBefore : pooledToken.hasIat ? issuedAt : issuedAt - farAway) - skew;
const pooled = () => fc.constantFrom(...pool);
const leeway = fc.integer({ min: 0, max: 120 });
const base64UrlText = fc.stringMatching(/^[A-Za-z0-9_-]*$/);
const base64UrlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('JWT verifier', () => {
  it("the documented error texts are the troubleshooting page's, verbatim", () => {
    expect(documentedJwtErrorKinds.map((kind) => jwtErrorTexts[kind])).toEqual([
      'Unsupported JWT signature algorithm', 'JWT was issued in the future', 'JWT has expired', 'JWT is not yet valid',
      'Unable to retrieve JWK set', 'Not enough parts', 'A part was not correctly base64 encoded',
      'A part was not valid JSON', 'The header part does not specify an algorithm',
      'The payload part does not contain all required claims',
    ]);
  });

  it('a token signed by a trusted key with RS256..PS512, inside its validity window, is admitted with its sub, role and document', async () => {
    const bothKeys: JSONWebKeySet = { keys: [publicJwk('test'), publicJwk('other')] };
    const arbitrary = fc.tuple(pooled(), leeway, fc.boolean()).chain(([pooledToken, skew, withOtherKey]) =>
      fc.record({
        pooledToken: fc.constant(pooledToken), skew: fc.constant(skew), withOtherKey: fc.constant(withOtherKey),
        now: fc.integer({ min: earliest(pooledToken, skew), max: expiresAt + skew - 1 }),
      }));
    await fc.assert(fc.asyncProperty(arbitrary, async ({ pooledToken, skew, withOtherKey, now }) => {
      const jwks = withOtherKey ? bothKeys : publicJwks(); // two keys and no kid: every candidate must be tried
      const result = await check(pooledToken.token, { jwks, nowSeconds: now, leewaySeconds: skew });
      const documentScope = pooledToken.hasDocument ? { documentId } : {};
      expect(result).toEqual({ ok: true, claims: { sub: pooledToken.claims.sub, role: pooledToken.role, ...documentScope } });
    }), { numRuns: 800 });
  });

  it('a viewer token is admitted read-only, one without a role as editor; signed tokens with a bad role, document or claims are refused', async () => {
    await fc.assert(fc.asyncProperty(pooled(), fc.nat(), async (pooledToken, index) => {
      const result = await check(pooledToken.token);
      expect(result.ok && result.claims.role).toBe(pooledToken.claims[roleClaim] ?? 'editor');
      const refused = signedButRefused[index % signedButRefused.length];
      if (refused) expectRefused(await check(refused.token), refused.expected);
    }), { numRuns: 300 });
  });

  it("anything not a string, or a token cut short before its signature, is refused with 'Not enough parts'", async () => {
    await fc.assert(fc.asyncProperty(fc.anything().filter((value) => typeof value !== 'string'), async (value) => {
      expectRefused(await check(value), 'notEnoughParts');
    }), { numRuns: 300 });
    await fc.assert(fc.asyncProperty(pooled(), fc.nat(), fc.boolean(), async ({ token }, cut, fromFront) => {
      const truncated = fromFront ? token.slice(1 + (cut % (token.length - 1))) : token.slice(0, cut % token.length);
      const result = await check(truncated);
      if (truncated.split('.').length !== 3) expectRefused(result, 'notEnoughParts');
      else if (fromFront) expectRefused(result, 'badBase64', 'badJson'); // the header lost its start
      else expectRefused(result, 'badBase64', 'invalidSignature'); // only the signature was shortened
    }), { numRuns: 800 });
  });

  it("a token with more than three parts is refused with 'Not enough parts' too (the docs have one text for both)", async () => {
    const extraParts = fc.array(base64UrlText, { minLength: 1, maxLength: 3 });
    await fc.assert(fc.asyncProperty(pooled(), extraParts, fc.nat(), fc.nat({ max: 2 }), async ({ token }, extra, position, shape) => {
      const at = position % (token.length + 1);
      const shapes = [[token, ...extra].join('.'), `${token.slice(0, at)}.${token.slice(at)}`, `${token}.${token}`];
      expectRefused(await check(shapes[shape]), 'notEnoughParts');
    }), { numRuns: 600 });
  });

  it('a part with a foreign character, padding, a dangling character or stray trailing bits is refused as badly base64 encoded', async () => {
    const foreign = fc.constantFrom('+', '/', '=', ' ', '!', '*', '\n', 'é', '%', '~', '\u0000', '😀');
    await fc.assert(fc.asyncProperty(pooled(), fc.nat({ max: 2 }), fc.nat(), foreign, fc.nat({ max: 3 }),
      async ({ token }, partIndex, position, character, damage) => {
        const parts = split(token);
        const part = parts[partIndex] ?? '';
        const at = position % (part.length + 1);
        // Flipping the lowest bit of the last character sets a bit that encodes nothing (when there is one).
        const lastIndex = base64UrlAlphabet.indexOf(part.slice(-1));
        const strayBits = part.length % 4 === 0 ? `${part}==` : `${part.slice(0, -1)}${base64UrlAlphabet[lastIndex ^ 1]}`;
        const dangling = `${part}${'A'.repeat((5 - (part.length % 4)) % 4 || 4)}`; // length ≡ 1 (mod 4)
        parts[partIndex] = [`${part.slice(0, at)}${character}${part.slice(at)}`, `${part}=`, dangling, strayBits][damage] ?? '';
        expectRefused(await check(parts.join('.')), 'badBase64');
      }), { numRuns: 800 });
  });

  it("a header or payload that is not a UTF-8 JSON object is refused with 'A part was not valid JSON'", async () => {
    const texts = fc.oneof(fc.string(), fc.json(), fc.constantFrom('', 'null', '[]', '"{}"', '{', '\uFEFF{"alg":"RS256"}'));
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((array) => Buffer.from(array));
    const notJsonObject = fc.oneof(texts.filter(notAnObject), bytes.filter((array) => !isUtf8(array) || notAnObject(array.toString())));
    await fc.assert(fc.asyncProperty(pooled(), fc.boolean(), notJsonObject, async ({ token }, inHeader, replacement) => {
      const [header, payload, signature] = split(token);
      const broken = inHeader ? [encodeText(replacement), payload, signature] : [header, encodeText(replacement), signature];
      expectRefused(await check(broken.join('.')), 'badJson');
    }), { numRuns: 800 });
  });

  it("a header without a non-empty string alg is refused with 'The header part does not specify an algorithm'", async () => {
    const missingAlg = fc.oneof(fc.constant(undefined), fc.constantFrom('', null, ['RS256'], { alg: 'RS256' }), fc.integer(), fc.boolean());
    const extraMembers = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 });
    await fc.assert(fc.asyncProperty(pooled(), extraMembers, missingAlg, async ({ token }, extra, alg) => {
      const [header, payload, signature] = split(token);
      const rewritten: Claims = { ...(JSON.parse(JSON.stringify(extra)) as Claims), ...decodeJson(header), alg };
      if (alg === undefined) delete rewritten.alg;
      expectRefused(await check([encodeJson(rewritten), payload, signature].join('.')), 'missingAlgorithm');
    }), { numRuns: 600 });
  });

  it('alg none, HS256/384/512 signed with the public key as HMAC secret, and every other alg are refused as unsupported', async () => {
    const isAccepted = (alg: string) => (acceptedAlgorithms as readonly string[]).includes(alg);
    const otherAlg = fc.oneof(
      fc.constantFrom('none', 'None', 'NONE', 'ES256', 'EdDSA', 'rs256', 'RS256 ', 'PS256\u0000', 'RSA-OAEP'),
      fc.string({ minLength: 1 }).filter((alg) => !isAccepted(alg)));
    const choice = fc.oneof(otherAlg, fc.constant('HMAC'));
    await fc.assert(fc.asyncProperty(pooled(), fc.constantFrom(256, 384, 512), fc.nat(), choice, async ({ token }, bits, secretIndex, picked) => {
      const [header, payload, signature] = split(token);
      const alg = picked === 'HMAC' ? `HS${bits}` : picked;
      const forgedHeader = encodeJson({ ...decodeJson(header), alg });
      const secret = hmacSecrets[secretIndex % hmacSecrets.length] ?? Buffer.alloc(0);
      const hmac = () => createHmac(`sha${bits}`, secret).update(`${forgedHeader}.${payload}`).digest('base64url');
      const forgedSignature = picked === 'HMAC' ? hmac() : alg.toLowerCase() === 'none' ? '' : signature;
      expectRefused(await check([forgedHeader, payload, forgedSignature].join('.')), 'unsupportedAlgorithm');
    }), { numRuns: 900 });
  });

  it('a payload without a non-empty string sub and a finite numeric exp (or with a non-numeric iat/nbf) is refused as missing required claims', async () => {
    const breakClaims = fc.constantFrom<(claims: Claims) => string>(
      ({ sub: _, ...rest }) => JSON.stringify(rest),
      ({ exp: _, ...rest }) => JSON.stringify(rest),
      (claims) => JSON.stringify({ ...claims, sub: 7 }),
      (claims) => JSON.stringify({ ...claims, sub: '' }),
      (claims) => JSON.stringify({ ...claims, exp: String(claims.exp) }),
      (claims) => JSON.stringify({ ...claims, exp: null }),
      (claims) => JSON.stringify({ ...claims, iat: 'now' }),
      (claims) => JSON.stringify({ ...claims, nbf: [notBefore] }),
      (claims) => JSON.stringify(claims).replace(/"exp":\d+/, '"exp":1e400')); // JSON.parse makes it Infinity
    await fc.assert(fc.asyncProperty(pooled(), breakClaims, async ({ token, claims }, breakIt) => {
      const [header, , signature] = split(token);
      expectRefused(await check([header, encodeText(breakIt(claims)), signature].join('.')), 'missingRequiredClaims');
    }), { numRuns: 800 });
  });

  it("a kid no trusted key has, or an empty or malformed set, is refused with 'Unable to retrieve JWK set'; a wrong key under a trusted kid is an invalid signature", async () => {
    const foreignKid = fc.oneof(fc.string().filter((kid) => kid !== testKeyId), fc.constant(otherKeyId), fc.integer(), fc.constant(null));
    const untrustedSets = [{ keys: [] }, { keys: [publicJwk('other')] }, { keys: 'none' }, {}] as unknown as JSONWebKeySet[];
    await fc.assert(fc.asyncProperty(pooled(), foreignKid, fc.nat(), async ({ token }, kid, index) => {
      const [header, payload, signature] = split(token);
      expectRefused(await check([encodeJson({ ...decodeJson(header), kid }), payload, signature].join('.')), 'jwkSetUnavailable');
      const jwks = untrustedSets[index % untrustedSets.length];
      // Without a kid the other key is the one candidate, and the failure is the signature instead.
      if (jwks && decodeJson(header).kid !== undefined) expectRefused(await check(token, { jwks }), 'jwkSetUnavailable');
      const signedByOther = otherKeyTokens[index % otherKeyTokens.length];
      if (signedByOther) expectRefused(await check(signedByOther.token), signedByOther.expected);
    }), { numRuns: 600 });
  });

  it('changing a signed header, payload or signature (keeping it well-formed) is refused as an invalid signature', async () => {
    const tamperings = fc.constantFrom<(header: Claims, claims: Claims) => [Claims, Claims | string]>(
      (header, claims) => [header, { ...claims, sub: `${String(claims.sub)}-impostor` }],
      (header, claims) => [header, { ...claims, [roleClaim]: claims[roleClaim] === 'editor' ? 'viewer' : 'editor' }],
      (header, claims) => [header, { ...claims, exp: expiresAt + 86_400 }],
      (header, claims) => [header, { ...claims, [documentClaim]: `${documentId}-other` }],
      (header, claims) => [header, JSON.stringify(claims, null, 1)], // same claims, other bytes
      (header, claims) => [{ ...header, typ: 'JWT' }, claims],
      (header, claims) => [{ ...header, alg: header.alg === 'PS256' ? 'RS256' : 'PS256' }, claims],
      (header, claims) => [{ ...header, crit: ['b64'], b64: false }, claims]);
    await fc.assert(fc.asyncProperty(pooled(), tamperings, fc.nat(), fc.boolean(), async ({ token }, tamper, position, inSignature) => {
      const [header, payload, signature] = split(token);
      let forged: string;
      if (inSignature) { // never the last character, whose unused bits would make it a base64 error instead
        const at = position % (signature.length - 1);
        const replaced = `${signature.slice(0, at)}${signature[at] === 'A' ? 'B' : 'A'}${signature.slice(at + 1)}`;
        forged = [header, payload, replaced].join('.');
      } else {
        const [newHeader, newPayload] = tamper(decodeJson(header), decodeJson(payload));
        forged = [encodeJson(newHeader), typeof newPayload === 'string' ? encodeText(newPayload) : encodeJson(newPayload), signature].join('.');
      }
      expectRefused(await check(forged), 'invalidSignature');
    }), { numRuns: 800 });
  });

  it('a token is expired from exp + leeway on: refused at that second and later, admitted one second earlier', async () => {
    await fc.assert(fc.asyncProperty(pooled(), leeway, fc.nat({ max: farAway }), async ({ token }, skew, later) => {
      expectRefused(await check(token, { nowSeconds: expiresAt + skew + later, leewaySeconds: skew }), 'expired');
      expect((await check(token, { nowSeconds: expiresAt + skew - 1, leewaySeconds: skew })).ok).toBe(true);
    }), { numRuns: 400 });
  });

  it('a token is issued in the future when iat > now + leeway: refused one second beyond the leeway, admitted at its edge', async () => {
    const withIat = fc.constantFrom(...pool.filter((candidate) => candidate.hasIat));
    await fc.assert(fc.asyncProperty(withIat, leeway, fc.nat({ max: farAway }), async (pooledToken, skew, earlier) => {
      const beyond = await check(pooledToken.token, { nowSeconds: issuedAt - skew - 1 - earlier, leewaySeconds: skew });
      expectRefused(beyond, 'issuedInFuture');
      const atEdge = await check(pooledToken.token, { nowSeconds: issuedAt - skew, leewaySeconds: skew });
      if (pooledToken.hasNbf) expectRefused(atEdge, 'notYetValid'); // iat passes, so the later nbf decides
      else expect(atEdge.ok).toBe(true);
    }), { numRuns: 400 });
  });

  it('a token is not yet valid when nbf > now + leeway: refused one second beyond the leeway, admitted at its edge', async () => {
    const withNbf = fc.constantFrom(...pool.filter((candidate) => candidate.hasNbf));
    await fc.assert(fc.asyncProperty(withNbf, leeway, fc.nat({ max: farAway }), async (pooledToken, skew, earlier) => {
      // With an iat as well, clocks before iat − leeway report "issued in the future" first, so stay after it.
      const span = pooledToken.hasIat ? notBefore - issuedAt : farAway;
      const beyond = await check(pooledToken.token, { nowSeconds: notBefore - skew - 1 - (earlier % span), leewaySeconds: skew });
      expectRefused(beyond, 'notYetValid');
      expect((await check(pooledToken.token, { nowSeconds: notBefore - skew, leewaySeconds: skew })).ok).toBe(true);
    }), { numRuns: 400 });
  });

  it('a token limited to one document is refused for any other, and a token without that claim works for every document', async () => {
    await fc.assert(fc.asyncProperty(pooled(), fc.string().filter((other) => other !== documentId), async (pooledToken, other) => {
      const result = await check(pooledToken.token, { documentId: other });
      if (pooledToken.hasDocument) expectRefused(result, 'wrongDocument');
      else expect(result).toEqual({ ok: true, claims: { sub: pooledToken.claims.sub, role: pooledToken.role } });
    }), { numRuns: 500 });
  });

  it('no random string, random value, random JWT-shaped token or NaN/infinite clock ever gets a token admitted', async () => {
    const members = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 });
    const jwtShaped = fc.tuple(members, members, fc.uint8Array({ maxLength: 300 })).map(([header, payload, signature]) =>
      [encodeJson({ ...header, alg: 'RS256', kid: testKeyId }), encodeJson({ sub: 'x', exp: expiresAt, ...payload }), encodeText(signature)].join('.'));
    const candidates = fc.oneof(fc.string(), fc.stringMatching(/^[\w-]*\.[\w-]*\.[\w-]*$/), jwtShaped, fc.anything());
    await fc.assert(fc.asyncProperty(candidates, async (candidate) => {
      expectRefused(await check(candidate), ...(Object.keys(jwtErrorTexts) as JwtErrorKind[]));
    }), { numRuns: 2000 });
    const broken = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY);
    await fc.assert(fc.asyncProperty(pooled(), broken, fc.boolean(), async ({ token }, value, inClock) => {
      const options = inClock ? { nowSeconds: value } : { leewaySeconds: Number.isNaN(value) ? value : -value };
      expectRefused(await check(token, options), 'expired', 'issuedInFuture', 'notYetValid');
    }), { numRuns: 100 });
  });

  it('at least 10,000 tokens went through the verifier in this file', () => {
    expect(tokensChecked).toBeGreaterThanOrEqual(10_000);
  });
});
