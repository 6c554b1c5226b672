import type { InputError } from '../errors.ts';
import type { FailureKind } from '../explore/sweep.ts';
import { assertNever } from '../kernel/assert-never.ts';

/** The CLI's exit codes: each a distinct outcome a script can act on. */
export const exitCodes = {
  pass: 0,
  violation: 1,
  input: 2,
  limit: 3,
  nondeterminism: 4,
} as const;

/** The exit code for a failed sweep or run. */
export function exitCodeForFailure(kind: FailureKind): number {
  if (kind === 'limit') return exitCodes.limit;
  if (kind === 'nondeterminism' || kind === 'determinism') return exitCodes.nondeterminism;
  return exitCodes.violation;
}

/** The message for an input error; every kind exits with 2. */
export function inputErrorMessage(error: InputError): string {
  switch (error.kind) {
    case 'usage':
      return `usage error: ${error.message}`;
    case 'module-not-found':
    case 'module-invalid':
    case 'scenario-not-found':
    case 'file-invalid':
    case 'insecure-origin':
      return `input error: ${error.message}`;
    default:
      return assertNever(error, 'input error');
  }
}
