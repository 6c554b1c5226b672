import { compactVerify, createLocalJWKSet, errors } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWSHeaderParameters } from 'jose';
import { jwtErrorTexts, type JwtErrorKind } from './jwt-errors.ts';

/** Clock leeway for iat, nbf and exp when none is given. The docs state none; 30 s is this model's choice. */
export const defaultLeewaySeconds = 30;

/** The only signature algorithms RTC accepts: RSA ones. HMAC (HS*), `none` and elliptic curves are refused. */
export const acceptedAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

/** The optional claim that limits a token to one document. */
export const documentClaim = 'https://claims.tiny.cloud/rtc/document';

/** The optional claim that grants `editor` (the default) or `viewer` (read-only) access. */
export const roleClaim = 'https://claims.tiny.cloud/rtc/role';

/** What a token allows its holder to do in a document. */
export type RtcRole = 'editor' | 'viewer';

/** What the server knows when it checks a token. */
export interface VerifyOptions {
  /** The public keys a token may be signed with. */
  jwks: JSONWebKeySet;
  /** The server's clock in seconds since the epoch; passed in so that the simulation stays deterministic. */
  nowSeconds: number;
  /** Allowed clock skew in seconds; {@link defaultLeewaySeconds} when absent. */
  leewaySeconds?: number;
  /** The document the client asks to join. */
  documentId: string;
}

/** The claims of an admitted token that the rest of the model needs. */
export interface VerifiedClaims {
  sub: string;
  role: RtcRole;
  /** Present only when the token was limited to a document (it then equals the requested one). */
  documentId?: string;
}

/** The verdict on a token: its claims, or the reason for refusing it with the exact text users would see. */
export type VerifyResult = { ok: true; claims: VerifiedClaims } | { ok: false; kind: JwtErrorKind; message: string };

/**
 * Checks a token as the RTC server would, and never throws. The order of the checks decides which text the
 * user sees when several things are wrong, so it is fixed:
 *  1. not a string, or not exactly three dot-separated parts (more than three counts too) → Not enough parts
 *  2. a part that is not canonical unpadded base64url                                      → base64 error
 *  3. header or payload not a UTF-8 JSON object                                            → JSON error
 *  4. header without a non-empty string `alg`                                             → no algorithm
 *  5. `alg` outside RS256..PS512 (HS*, none, ES*, …)                                       → unsupported algorithm
 *  6. payload without a string `sub` and a finite number `exp` (or with a non-numeric `iat`/`nbf`)
 *                                                                                          → required claims
 *  7. signature: no key in the set for the header's `kid` → Unable to retrieve JWK set; else invalidSignature
 *  8. `iat` > now + leeway → issued in the future; `nbf` > now + leeway → not yet valid;
 *     `exp` <= now − leeway → expired
 *  9. document claim present and not the requested document → wrongDocument
 * 10. role claim present and neither `editor` nor `viewer` → invalidRole (not "required claims": the role is
 *     optional, so calling it missing would mislead whoever reads the error)
 */
export async function verifyToken(token: unknown, options: VerifyOptions): Promise<VerifyResult> {
  try {
    return await verifyOrThrow(token, options);
  } catch {
    // Every expected failure is mapped inside; this only guards against hostile options (e.g. throwing getters),
    // and refusing is the safe answer.
    // Stryker disable next-line StringLiteral: unreachable with the options the model passes (see the comment above)
    return refuse('invalidSignature');
  }
}

async function verifyOrThrow(token: unknown, options: VerifyOptions): Promise<VerifyResult> {
  if (typeof token !== 'string') return refuse('notEnoughParts');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('notEnoughParts');
  // Stryker disable next-line StringLiteral: the defaults are never used: parts has exactly three elements here
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const headerBytes = decodePart(headerPart);
  const payloadBytes = decodePart(payloadPart);
  if (!headerBytes || !payloadBytes || !decodePart(signaturePart)) return refuse('badBase64');
  const header = parseJsonObject(headerBytes);
  const payload = parseJsonObject(payloadBytes);
  if (!header || !payload) return refuse('badJson');
  const algorithm = ownValue(header, 'alg');
  if (typeof algorithm !== 'string' || algorithm === '') return refuse('missingAlgorithm');
  if (!(acceptedAlgorithms as readonly string[]).includes(algorithm)) return refuse('unsupportedAlgorithm');
  const claims = readClaims(payload);
  if (!claims) return refuse('missingRequiredClaims');

  const signature = await checkSignature(token, header, payloadBytes, options.jwks);
  if (signature !== 'valid') return refuse(signature);

  const now = options.nowSeconds;
  const leeway = options.leewaySeconds ?? defaultLeewaySeconds;
  // Each test is written as "not (acceptable)" so that a NaN clock or leeway refuses the token instead of
  // admitting it (every comparison with NaN is false).
  if (claims.issuedAt !== undefined && !(claims.issuedAt <= now + leeway)) return refuse('issuedInFuture');
  if (claims.notBefore !== undefined && !(claims.notBefore <= now + leeway)) return refuse('notYetValid');
  if (!(claims.expiresAt > now - leeway)) return refuse('expired');

  if (claims.document !== undefined && claims.document !== options.documentId) return refuse('wrongDocument');
  // Only an absent role defaults to editor; `??` would also wave a JSON null through as editor.
  const role = claims.role === undefined ? 'editor' : claims.role;
  if (role !== 'editor' && role !== 'viewer') return refuse('invalidRole');
  const documentScope = claims.document === undefined ? {} : { documentId: options.documentId };
  return { ok: true, claims: { sub: claims.sub, role, ...documentScope } };
}

function refuse(kind: JwtErrorKind): VerifyResult {
  return { ok: false, kind, message: jwtErrorTexts[kind] };
}

const base64UrlAlphabet = /^[A-Za-z0-9_-]*$/;

/** The bytes of a part, or undefined when it is not canonical, unpadded base64url. */
function decodePart(part: string): Uint8Array | undefined {
  if (!base64UrlAlphabet.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  // Node silently drops a dangling sixth-bit character and stray trailing bits; re-encoding catches both, so
  // a signed token has exactly one spelling and cannot be altered without touching its signature input.
  return bytes.toString('base64url') === part ? bytes : undefined;
}

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading BOM stays and JSON.parse refuses it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(bytes));
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A member of a parsed JSON object, ignoring anything inherited from Object.prototype. */
function ownValue(object: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

interface PayloadClaims {
  sub: string;
  expiresAt: number;
  issuedAt: number | undefined;
  notBefore: number | undefined;
  document: unknown;
  role: unknown;
}

function readClaims(payload: Record<string, unknown>): PayloadClaims | undefined {
  const sub = ownValue(payload, 'sub');
  const expiresAt = ownValue(payload, 'exp');
  const issuedAt = ownValue(payload, 'iat');
  const notBefore = ownValue(payload, 'nbf');
  // Finite, because JSON's 1e400 parses to Infinity and would make a token that never expires. An empty
  // `sub` names no user. A present but non-numeric iat/nbf cannot be checked (the docs say they are checked
  // when present), so the payload is treated as lacking its claims rather than the check being skipped.
  if (typeof sub !== 'string' || sub === '' || !isFiniteNumber(expiresAt)) return undefined;
  if (issuedAt !== undefined && !isFiniteNumber(issuedAt)) return undefined;
  if (notBefore !== undefined && !isFiniteNumber(notBefore)) return undefined;
  const document = ownValue(payload, documentClaim);
  const role = ownValue(payload, roleClaim);
  return { sub, expiresAt, issuedAt, notBefore, document, role };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

type SignatureVerdict = 'valid' | 'jwkSetUnavailable' | 'invalidSignature';

/** Verifies the signature with jose; only the signature — jose's claim and time checks are not used. */
async function checkSignature(
  token: string,
  header: Record<string, unknown>,
  payloadBytes: Uint8Array,
  jwks: JSONWebKeySet,
): Promise<SignatureVerdict> {
  // Keys are resolved here rather than inside compactVerify so that "no usable key" (→ JWK set text) and
  // "key found, signature wrong" (→ invalidSignature) stay distinguishable.
  let candidates: CryptoKey[];
  try {
    const keySet = createLocalJWKSet(jwks); // throws synchronously on a malformed set
    candidates = [await keySet(header as JWSHeaderParameters)];
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) return 'jwkSetUnavailable';
    // Several keys fit a header without `kid`: jose 6 leaves trying each of them to the caller.
    // Stryker disable next-line ArrayDeclaration: jose names at least two keys in this error, so the list is never empty, and a non-key candidate only fails to verify
    candidates = [];
    for await (const key of error) candidates.push(key);
    if (candidates.length === 0) return 'jwkSetUnavailable';
  }
  for (const key of candidates) {
    try {
      // Stryker disable next-line ObjectLiteral: the algorithm was already checked against the same list before the signature
      const verified = await compactVerify(token, key, { algorithms: [...acceptedAlgorithms] });
      // A `crit: ["b64"], b64: false` header makes jose verify the payload part as raw text (RFC 7797); JWTs
      // must not do that, and the claims read above would not be the ones signed.
      if (Buffer.from(verified.payload).equals(payloadBytes)) return 'valid';
    } catch {
      // Wrong signature, unknown `crit` extension, key too short: try the next candidate, then refuse.
    }
  }
  return 'invalidSignature';
}
