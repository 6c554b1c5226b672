import { describe, expect, it } from 'vitest';
import { forkStream } from '../../src/kernel/random.ts';
import { decryptFailure, unwrapFailure } from '../../src/model/crypto.ts';
import { cryptoScheme } from '../../src/model/crypto-scheme.ts';
import { realCrypto } from '../../src/model/crypto-real.ts';
import { symbolicCrypto } from '../../src/model/crypto-symbolic.ts';

describe('cryptoScheme', () => {
  it('is real only when asked for', () => {
    expect(cryptoScheme('real')).toBe(realCrypto);
    expect(cryptoScheme('symbolic')).toBe(symbolicCrypto);
    expect(cryptoScheme(undefined)).toBe(symbolicCrypto);
  });

  it('words the two failures apart', () => {
    expect(unwrapFailure).toBe('the provider key does not unwrap the session key (AES-GCM authentication fails)');
    expect(decryptFailure).toBe('the session key does not decrypt the content (AES-GCM authentication fails)');
  });
});

describe('symbolic crypto', () => {
  it('wraps under the provider key with seeded salt, session key and IV', () => {
    const expected = forkStream(1, 'c');
    const sessionKey = expected.hex(32);
    const salt = expected.hex(32);
    const iv = expected.hex(12);
    expect(symbolicCrypto.createSession('pk', 'text', forkStream(1, 'c'))).toEqual({
      salt,
      wrappedKey: { scheme: 'symbolic', wrappedUnder: 'pk', sessionKey },
      content: { scheme: 'symbolic', encryptedUnder: sessionKey, iv, text: 'text' },
    });
  });

  it('opens with the right key only, and tells why not', () => {
    const made = symbolicCrypto.createSession('pk', 'text', forkStream(1, 'c')) as Awaited<ReturnType<typeof symbolicCrypto.createSession>>;
    expect(symbolicCrypto.open('pk', made.salt, made.wrappedKey, made.content)).toEqual({ ok: true, text: 'text' });
    expect(symbolicCrypto.open('other', made.salt, made.wrappedKey, made.content)).toEqual({ ok: false, reason: unwrapFailure });
    const foreign = { ...made.content, encryptedUnder: 'another session key' };
    expect(symbolicCrypto.open('pk', made.salt, made.wrappedKey, foreign)).toEqual({ ok: false, reason: decryptFailure });
    const gcm = { scheme: 'aes-gcm', iv: '00', ciphertext: '00' } as const;
    expect(symbolicCrypto.open('pk', made.salt, gcm, made.content)).toEqual({ ok: false, reason: 'the session was sealed with another scheme' });
    expect(symbolicCrypto.open('pk', made.salt, made.wrappedKey, gcm)).toEqual({ ok: false, reason: 'the session was sealed with another scheme' });
  });
});

describe('real crypto', () => {
  it('seals reproducibly with seeded bytes, and opens with the right key only', async () => {
    const made = await realCrypto.createSession('pk', 'hello ✓', forkStream(2, 'c'));
    const again = await realCrypto.createSession('pk', 'hello ✓', forkStream(2, 'c'));
    expect(again).toEqual(made);
    const bytes = forkStream(2, 'c');
    bytes.bytes(32);
    const salt = Array.from(bytes.bytes(32), (byte) => byte.toString(16).padStart(2, '0')).join('');
    expect(made.salt).toBe(salt);
    expect(made.salt).toHaveLength(64);
    expect(made.wrappedKey.scheme).toBe('aes-gcm');
    if (made.wrappedKey.scheme !== 'aes-gcm' || made.content.scheme !== 'aes-gcm') throw new Error('not aes-gcm');
    expect(made.wrappedKey.iv).toHaveLength(24);
    expect(made.content.iv).toHaveLength(24);
    // 32 key bytes and 7 content bytes (UTF-8), each with a 16-byte tag.
    expect(made.wrappedKey.ciphertext).toHaveLength(2 * (32 + 16));
    expect(made.content.ciphertext).toHaveLength(2 * (9 + 16));
    expect(made.wrappedKey.iv).not.toBe(made.content.iv);
    expect(await realCrypto.open('pk', made.salt, made.wrappedKey, made.content)).toEqual({ ok: true, text: 'hello ✓' });
    expect(await realCrypto.open('other', made.salt, made.wrappedKey, made.content)).toEqual({ ok: false, reason: unwrapFailure });
    const otherSalt = `00${made.salt.slice(2)}` === made.salt ? `11${made.salt.slice(2)}` : `00${made.salt.slice(2)}`;
    expect(await realCrypto.open('pk', otherSalt, made.wrappedKey, made.content)).toEqual({ ok: false, reason: unwrapFailure });
    const other = await realCrypto.createSession('pk', 'hello ✓', forkStream(3, 'c'));
    expect(await realCrypto.open('pk', made.salt, made.wrappedKey, other.content)).toEqual({ ok: false, reason: decryptFailure });
    const symbolic = { scheme: 'symbolic', wrappedUnder: 'pk', sessionKey: 'x' } as const;
    expect(await realCrypto.open('pk', made.salt, symbolic, made.content)).toEqual({ ok: false, reason: 'the session was sealed with another scheme' });
    expect(await realCrypto.open('pk', made.salt, made.wrappedKey, { scheme: 'symbolic', encryptedUnder: 'x', iv: 'x', text: 'x' })).toEqual({
      ok: false,
      reason: 'the session was sealed with another scheme',
    });
  });
});
