import { decryptFailure, unwrapFailure, type CryptoScheme } from './crypto.ts';

/**
 * The scheme in symbolic form, the fast default: the wrapped session key remembers the provider key it was
 * wrapped under, and unwrapping with any other key fails, as AES-GCM authentication would.
 */
export const symbolicCrypto: CryptoScheme = {
  createSession(providerKey, initialContent, random) {
    const sessionKey = random.hex(32);
    const salt = random.hex(32);
    return {
      salt,
      wrappedKey: { scheme: 'symbolic', wrappedUnder: providerKey, sessionKey },
      content: { scheme: 'symbolic', encryptedUnder: sessionKey, iv: random.hex(12), text: initialContent },
    };
  },
  open(providerKey, _salt, wrappedKey, content) {
    if (wrappedKey.scheme !== 'symbolic' || content.scheme !== 'symbolic') return { ok: false, reason: 'the session was sealed with another scheme' };
    if (wrappedKey.wrappedUnder !== providerKey) return { ok: false, reason: unwrapFailure };
    if (content.encryptedUnder !== wrappedKey.sessionKey) return { ok: false, reason: decryptFailure };
    return { ok: true, text: content.text };
  },
};
