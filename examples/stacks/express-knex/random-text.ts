import type { BackendEnv } from '../../../src/index.ts';
import type { RandomText } from './models/document-keys.ts';

/** Keys and hints from the backend machine's random bytes (crypto.randomBytes in production). */
export function randomTextFrom(env: BackendEnv): RandomText {
  return (bytes, encoding = 'base64') => Buffer.from(env.randomBytes(bytes)).toString(encoding);
}
