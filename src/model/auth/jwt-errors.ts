/**
 * Why a JWT was refused, as the RTC server reports it. The first ten texts are copied verbatim from the RTC
 * troubleshooting page (see shared/RTC-FACTS.md, "JWT authentication"); do not reword them, callers and
 * users match on them. The last three are rejections the documentation gives no text for, so their texts are
 * ours and are kept plainly distinct from the documented ones.
 */
export const jwtErrorTexts = {
  unsupportedAlgorithm: 'Unsupported JWT signature algorithm',
  issuedInFuture: 'JWT was issued in the future',
  expired: 'JWT has expired',
  notYetValid: 'JWT is not yet valid',
  /** Also used when no key in the set matches the header's `kid`, or the set is empty or malformed. */
  jwkSetUnavailable: 'Unable to retrieve JWK set',
  notEnoughParts: 'Not enough parts',
  badBase64: 'A part was not correctly base64 encoded',
  badJson: 'A part was not valid JSON',
  missingAlgorithm: 'The header part does not specify an algorithm',
  missingRequiredClaims: 'The payload part does not contain all required claims',
  /** Not documented: a key matched but the signature does not verify with it. */
  invalidSignature: 'JWT signature is invalid',
  /** Not documented: the token's document claim names another document. */
  wrongDocument: 'JWT is not valid for this document',
  /** Not documented: the role claim is present but is neither `editor` nor `viewer`. */
  invalidRole: 'JWT role is not valid',
} as const;

/** The name of one reason a JWT can be refused; a key of {@link jwtErrorTexts}. */
export type JwtErrorKind = keyof typeof jwtErrorTexts;

/** The exact texts the RTC documentation gives, as opposed to the ones this model had to invent. */
export const documentedJwtErrorKinds: readonly JwtErrorKind[] = [
  'unsupportedAlgorithm',
  'issuedInFuture',
  'expired',
  'notYetValid',
  'jwkSetUnavailable',
  'notEnoughParts',
  'badBase64',
  'badJson',
  'missingAlgorithm',
  'missingRequiredClaims',
];
