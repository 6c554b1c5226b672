import type { RandomStream } from '../kernel/random.ts';

/** The session key wrapped under a key derived from the provider's key (symbolic form). */
export interface WrappedSessionKey {
  readonly scheme: 'symbolic';
  /** Only a client holding this provider key can unwrap: the symbolic stand-in for AES-GCM authentication. */
  readonly wrappedUnder: string;
  readonly sessionKey: string;
}

/** Document content encrypted under a session key (symbolic form). */
export interface EncryptedContent {
  readonly scheme: 'symbolic';
  readonly encryptedUnder: string;
  readonly iv: string;
  readonly text: string;
}

/** What a creator makes for a new session: a random session key and salt, the key wrapped, the content sealed. */
export interface NewSession {
  readonly sessionKey: string;
  readonly salt: string;
  readonly wrappedKey: WrappedSessionKey;
  readonly content: EncryptedContent;
}

/**
 * The documented scheme in symbolic form: a random 32-byte salt and session key per session; the provider's
 * key (through PBKDF2 in the real scheme) wraps the session key; content is sealed with a fresh 12-byte IV.
 * Unwrapping with any other provider key fails, as AES-GCM authentication would. Every random byte comes
 * from the creating client's seeded stream.
 */
export const symbolicCrypto = {
  createSession(providerKey: string, initialContent: string, random: RandomStream): NewSession {
    const sessionKey = random.hex(32);
    const salt = random.hex(32);
    return {
      sessionKey,
      salt,
      wrappedKey: { scheme: 'symbolic', wrappedUnder: providerKey, sessionKey },
      content: { scheme: 'symbolic', encryptedUnder: sessionKey, iv: random.hex(12), text: initialContent },
    };
  },
  /** The session key, or undefined when `providerKey` is not the key it was wrapped under. */
  unwrap(providerKey: string, wrapped: WrappedSessionKey): string | undefined {
    return wrapped.wrappedUnder === providerKey ? wrapped.sessionKey : undefined;
  },
  /** The plain text, or undefined when `sessionKey` did not seal it. */
  decrypt(sessionKey: string, content: EncryptedContent): string | undefined {
    return content.encryptedUnder === sessionKey ? content.text : undefined;
  },
};
