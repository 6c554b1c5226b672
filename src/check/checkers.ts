import { agreement } from './properties/agreement.ts';
import { contentIntegrity } from './properties/content-integrity.ts';
import { hintStability } from './properties/hint-stability.ts';
import { liveness } from './properties/liveness.ts';
import { providerContract } from './properties/provider-contract.ts';
import { retention } from './properties/retention.ts';
import { singleSession } from './properties/single-session.ts';
import type { Checker } from './violation.ts';

/** A fresh set of every property checker, in the order their violations are reported. */
export function createCheckers(): Checker[] {
  return [providerContract(), singleSession(), hintStability(), agreement(), contentIntegrity(), retention(), liveness()];
}
