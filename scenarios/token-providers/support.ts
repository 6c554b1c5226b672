// Helpers for the scenario token providers: they build tokens by hand, as a broken backend would.
import { createHmac } from 'node:crypto';

/** base64url of a string. */
export const part = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** The RTC claims of a token for `documentId`, issued `issuedSecondsAgo` ago for five minutes. */
export function claims(subject: string, documentId: string, nowMs: number, issuedSecondsAgo = 0): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000) - issuedSecondsAgo;
  return { sub: subject, iat, exp: iat + 300, 'https://claims.tiny.cloud/rtc/document': documentId };
}

/** An HS256-signed token: what a backend using a shared secret produces. */
export function hs256Token(payload: Record<string, unknown>, secret: string): string {
  const unsigned = `${part(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${part(JSON.stringify(payload))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
