/**
 * TEST MATERIAL, NOT SECRETS. The RSA-2048 key pairs in fixtures/jwt/test-keys.json were generated once with
 * jose.generateKeyPair and committed so that tests sign reproducible tokens without slow key generation. They
 * protect nothing; never use them to sign a real token.
 */
import { importJWK, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose';
import testKeyFile from '../../../fixtures/jwt/test-keys.json' with { type: 'json' };
import type { acceptedAlgorithms } from './verify-token.ts';

/** Which committed pair signs: `test` is in {@link publicJwks}, `other` is unrelated (for wrong-key tests). */
export type TestKeyName = 'test' | 'other';

/** An algorithm the RTC server accepts, so one jose can sign with an RSA key. */
export type RsaAlgorithm = (typeof acceptedAlgorithms)[number];

/** The key id of the pair that {@link publicJwks} holds. */
export const testKeyId: string = testKeyFile.test.kid;

/** The key id of the unrelated pair. */
export const otherKeyId: string = testKeyFile.other.kid;

/** The public half of a committed pair, as a JWK (with its `kid`). */
export function publicJwk(name: TestKeyName = 'test'): JWK {
  return { ...testKeyFile[name].publicJwk };
}

/** A JWK set holding only the `test` public key — what the simulated server trusts. */
export function publicJwks(): JSONWebKeySet {
  return { keys: [publicJwk('test')] };
}

/** How {@link signTestToken} signs. */
export interface SignTestTokenOptions {
  /** Defaults to RS256. */
  alg?: RsaAlgorithm;
  /** Header `kid`; defaults to the signing key's own id; `null` leaves the header without one. */
  kid?: string | null;
  /** Defaults to `test`. */
  key?: TestKeyName;
}

// Importing an RSA private key is the slow part after signing itself, and WebCrypto binds a key to one
// algorithm, so imported keys are kept per pair and algorithm.
const privateKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();

function privateKey(name: TestKeyName, algorithm: RsaAlgorithm): Promise<CryptoKey | Uint8Array> {
  const cacheKey = `${name}/${algorithm}`;
  let key = privateKeys.get(cacheKey);
  if (!key) {
    key = importJWK(testKeyFile[name].privateJwk, algorithm);
    privateKeys.set(cacheKey, key);
  }
  return key;
}

/** A compact JWT with exactly the given claims (nothing added, so tests control iat/nbf/exp themselves). */
export async function signTestToken(claims: JWTPayload, options: SignTestTokenOptions = {}): Promise<string> {
  const algorithm = options.alg ?? 'RS256';
  const name = options.key ?? 'test';
  const kid = options.kid === undefined ? testKeyFile[name].kid : options.kid;
  const header = kid === null ? { alg: algorithm } : { alg: algorithm, kid };
  return new SignJWT(claims).setProtectedHeader(header).sign(await privateKey(name, algorithm));
}
