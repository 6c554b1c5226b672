import { describe, expect, it } from 'vitest';
import { describeMessage } from '../../src/model/messages.ts';

const session = { keyHint: 'h"1', salt: 's', wrappedKey: { scheme: 'symbolic', wrappedUnder: 'k', sessionKey: 'sk' } } as const;
const content = { scheme: 'symbolic', encryptedUnder: 'sk', iv: 'iv', text: 't' } as const;

describe('describeMessage', () => {
  it('shows the hint of session messages and the text of an auth failure, and the type of the rest', () => {
    expect(describeMessage({ type: 'createSession', documentId: 'd1', session })).toBe('createSession(keyHint "h\\"1")');
    expect(describeMessage({ type: 'newSessionAvailable', documentId: 'd1', keyHint: 'h2' })).toBe('newSessionAvailable(keyHint "h2")');
    expect(describeMessage({ type: 'sessionExists', documentId: 'd1', session, content })).toBe('sessionExists(keyHint "h\\"1")');
    expect(describeMessage({ type: 'authFailed', documentId: 'd1', message: 'JWT has expired' })).toBe('authFailed("JWT has expired")');
    expect(describeMessage({ type: 'noSession', documentId: 'd1' })).toBe('noSession');
    expect(describeMessage({ type: 'requestSession', documentId: 'd1', token: 'x' })).toBe('requestSession');
  });

  it('a message of a type it does not know is a programmer error, not words', () => {
    expect(() => describeMessage({ type: 'bogus', documentId: 'd1' } as unknown as Parameters<typeof describeMessage>[0])).toThrow('unhandled message: {"type":"bogus","documentId":"d1"}');
  });
});
