import { resolve } from 'node:path';
import { toDecisionFile, writeDecisionFile } from '../explore/decision-file.ts';
import type { SweepFailure } from '../explore/sweep.ts';
import type { CommandUnderway } from './io.ts';

/** What the decision file of a failure as found names besides the run. */
export interface FoundFileParts {
  readonly module: string;
  readonly tokenProvider?: string | undefined;
  readonly backend?: string | undefined;
  readonly failuresDir: string;
}

/**
 * Saves the failing run as the sweep found it (before shrinking: every decision as the strategy made it), so
 * that an interruption while it is being shrunk still leaves it on disk; the pipeline later writes the shrunk
 * run over the same file. Returns the file's path.
 */
export function saveFoundFailure(failure: SweepFailure, parts: FoundFileParts): string | undefined {
  const decisions = failure.replayed.decisions ?? [];
  if (decisions.length === 0) return undefined;
  const file = toDecisionFile({
    module: parts.module,
    ...(parts.tokenProvider === undefined ? {} : { tokenProvider: parts.tokenProvider }),
    ...(parts.backend === undefined ? {} : { backend: parts.backend }),
    property: failure.property,
    message: failure.message,
    originalSeed: failure.seed,
    config: failure.config,
    result: failure.replayed,
    defaults: decisions,
  });
  return writeDecisionFile(resolve(parts.failuresDir), file);
}

/** Records in `underway` the failure a sweep returned, saved as found; the pipeline that shrinks it runs next. */
export function noteFoundFailure(underway: CommandUnderway | undefined, failure: SweepFailure, parts: FoundFileParts): void {
  if (underway === undefined) return;
  underway.failure = { seed: failure.seed, property: failure.property, file: saveFoundFailure(failure, parts) };
}
