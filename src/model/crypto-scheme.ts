import type { CryptoScheme } from './crypto.ts';
import { realCrypto } from './crypto-real.ts';
import { symbolicCrypto } from './crypto-symbolic.ts';

/** The scheme a run's configuration names (apart from crypto.ts, which both schemes import: no import circle). */
export function cryptoScheme(mode: 'symbolic' | 'real' | undefined): CryptoScheme {
  return mode === 'real' ? realCrypto : symbolicCrypto;
}
