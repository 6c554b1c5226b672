import { agreement } from './properties/agreement.ts';
import { authorization } from './properties/authorization.ts';
import { determinism } from './properties/determinism.ts';
import { contentIntegrity } from './properties/content-integrity.ts';
import { hintStability } from './properties/hint-stability.ts';
import { liveness } from './properties/liveness.ts';
import { providerContract } from './properties/provider-contract.ts';
import { retention } from './properties/retention.ts';
import { singleSession } from './properties/single-session.ts';
import type { Checker, PropertyName } from './violation.ts';

/**
 * A fresh set of property checkers (all, or the ones named), in the order their violations are reported.
 * `authorization` watches only runs with JWT authentication on.
 */
export function createCheckers(only?: readonly PropertyName[], withAuthentication = false): Checker[] {
  const all = [determinism(), providerContract(), singleSession(), ...(withAuthentication ? [authorization()] : []), hintStability(), agreement(), contentIntegrity(), retention(), liveness()];
  return only === undefined ? all : all.filter((checker) => only.includes(checker.property));
}
