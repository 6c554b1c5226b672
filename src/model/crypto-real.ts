import { decryptFailure, unwrapFailure, type CryptoScheme, type OpenOutcome } from './crypto.ts';

const pbkdf2Iterations = 10_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

// PBKDF2 (SHA-512, 10,000 iterations) of the provider's key and the session's salt: the key-encryption key.
async function keyEncryptionKey(providerKey: string, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', encoder.encode(providerKey), 'PBKDF2', false, ['deriveKey']);
  // Stryker disable next-line BooleanLiteral: whether the derived key is extractable changes nothing: it is never exported
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-512', salt, iterations: pbkdf2Iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * The documented scheme with WebCrypto (`globalThis.crypto.subtle`): AES-GCM-256 everywhere, the session key
 * wrapped by encrypting its raw bytes under the PBKDF2-derived key. Salts, session keys and IVs come from the
 * seeded stream, so the ciphertexts are the same on every run of a seed; a wrong provider key fails GCM
 * authentication on unwrap, which the client reports as an `encryption` disconnect.
 */
export const realCrypto: CryptoScheme = {
  async createSession(providerKey, initialContent, random) {
    const subtle = globalThis.crypto.subtle;
    const sessionKeyBytes = new Uint8Array(random.bytes(32));
    const salt = new Uint8Array(random.bytes(32));
    const wrapIv = new Uint8Array(random.bytes(12));
    const contentIv = new Uint8Array(random.bytes(12));
    const kek = await keyEncryptionKey(providerKey, salt);
    const wrapped = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: wrapIv }, kek, sessionKeyBytes));
    // Stryker disable next-line BooleanLiteral: whether the session key is extractable changes nothing: it is never exported
    const sessionKey = await subtle.importKey('raw', sessionKeyBytes, 'AES-GCM', false, ['encrypt']);
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: contentIv }, sessionKey, encoder.encode(initialContent)));
    return {
      salt: toHex(salt),
      wrappedKey: { scheme: 'aes-gcm', iv: toHex(wrapIv), ciphertext: toHex(wrapped) },
      content: { scheme: 'aes-gcm', iv: toHex(contentIv), ciphertext: toHex(sealed) },
    };
  },
  async open(providerKey, salt, wrappedKey, content): Promise<OpenOutcome> {
    if (wrappedKey.scheme !== 'aes-gcm' || content.scheme !== 'aes-gcm') return { ok: false, reason: 'the session was sealed with another scheme' };
    const subtle = globalThis.crypto.subtle;
    const kek = await keyEncryptionKey(providerKey, fromHex(salt));
    let sessionKeyBytes: ArrayBuffer;
    try {
      sessionKeyBytes = await subtle.decrypt({ name: 'AES-GCM', iv: fromHex(wrappedKey.iv) }, kek, fromHex(wrappedKey.ciphertext));
    } catch {
      return { ok: false, reason: unwrapFailure };
    }
    // Stryker disable next-line BooleanLiteral: whether the session key is extractable changes nothing: it is never exported
    const sessionKey = await subtle.importKey('raw', sessionKeyBytes, 'AES-GCM', false, ['decrypt']);
    try {
      const plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromHex(content.iv) }, sessionKey, fromHex(content.ciphertext));
      return { ok: true, text: decoder.decode(plain) };
    } catch {
      return { ok: false, reason: decryptFailure };
    }
  },
};
