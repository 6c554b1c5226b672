import type { RandomStream } from '../kernel/random.ts';

/** The session key wrapped under a key derived from the provider's key. */
export type WrappedSessionKey =
  | { readonly scheme: 'symbolic'; readonly wrappedUnder: string; readonly sessionKey: string }
  | { readonly scheme: 'aes-gcm'; readonly iv: string; readonly ciphertext: string };

/** Document content encrypted under a session key. */
export type EncryptedContent =
  | { readonly scheme: 'symbolic'; readonly encryptedUnder: string; readonly iv: string; readonly text: string }
  | { readonly scheme: 'aes-gcm'; readonly iv: string; readonly ciphertext: string };

/** What a creator makes for a new session: the salt, the wrapped session key, the sealed content. */
export interface NewSession {
  readonly salt: string;
  readonly wrappedKey: WrappedSessionKey;
  readonly content: EncryptedContent;
}

/** The reasons opening a session fails, worded alike in both schemes so that their timelines agree. */
export const unwrapFailure = 'the provider key does not unwrap the session key (AES-GCM authentication fails)';
export const decryptFailure = 'the session key does not decrypt the content (AES-GCM authentication fails)';

/** Why opening a session failed: the reason an `encryption` disconnect gives. */
export type OpenOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/**
 * The documented scheme: per session a random 32-byte salt and session key; PBKDF2 (SHA-512, 10,000
 * iterations) of the provider's key and the salt wraps the session key with AES-GCM; content is sealed with
 * AES-GCM and a fresh 12-byte IV. Every random byte comes from the creating client's seeded stream. The
 * symbolic scheme keeps the same shape without the arithmetic; the real one may answer asynchronously.
 */
export interface CryptoScheme {
  createSession(providerKey: string, initialContent: string, random: RandomStream): NewSession | Promise<NewSession>;
  open(providerKey: string, salt: string, wrappedKey: WrappedSessionKey, content: EncryptedContent): OpenOutcome | Promise<OpenOutcome>;
}
