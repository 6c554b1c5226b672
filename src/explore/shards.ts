import { z } from 'zod';
import { fail, ok, type Result } from '../errors.ts';
import { readJsonFile } from '../json-file.ts';

/** Which slice of a sweep's seeds one CI job runs: shard `index` of `count`, counted from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The contiguous run indices of a shard: [start, start + runs). Every index belongs to exactly one shard. */
export function shardSlice(runs: number, shard: Shard): { start: number; runs: number } {
  const start = Math.floor(((shard.index - 1) * runs) / shard.count);
  const end = Math.floor((shard.index * runs) / shard.count);
  return { start, runs: end - start };
}

/** Parses `k/n` (1 ≤ k ≤ n). */
export function parseShard(text: string): Shard | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return Number.isSafeInteger(index) && Number.isSafeInteger(count) && index >= 1 && index <= count && count <= 10_000 ? { index, count } : undefined;
}

const shardReportSchema = z
  .object({
    module: z.string(),
    verdict: z.enum(['pass', 'fail']),
    runs: z.number().int().min(0),
    seed: z.number().int().min(0),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1), firstSeed: z.number().int().min(0), runsTotal: z.number().int().min(1), flags: z.string() }).strict(),
    failure: z.object({ property: z.string(), message: z.string(), seed: z.number().int().min(0) }).loose().optional(),
  })
  .loose();

/** A shard's `check --json` report, as `merge` reads it. */
export type ShardReport = z.infer<typeof shardReportSchema>;

/** Reads a shard report; every problem names the file and the field. */
export function readShardReport(path: string): Result<ShardReport> {
  return readJsonFile(path, shardReportSchema, 'shard report of check --shard --json');
}

/** What the shards say together: the verdict one job would give, with the lowest failing seed. */
export interface MergedVerdict {
  readonly verdict: 'pass' | 'fail';
  readonly runs: number;
  readonly seed: number;
  readonly failure: ShardReport['failure'];
}

/** Merges shard reports; they must be the same sweep (module, seeds, flags) and cover every shard once. */
export function mergeShards(reports: readonly ShardReport[]): Result<MergedVerdict> {
  const [first] = reports;
  if (first === undefined) return fail({ kind: 'usage', message: 'merge needs at least one shard report' });
  for (const report of reports) {
    const same = report.module === first.module && report.shard.firstSeed === first.shard.firstSeed && report.shard.runsTotal === first.shard.runsTotal && report.shard.count === first.shard.count && report.shard.flags === first.shard.flags;
    if (!same) return fail({ kind: 'usage', message: `shard ${report.shard.index}/${report.shard.count} is from another sweep (module, first seed, runs or flags differ)` });
  }
  const indices = reports.map((report) => report.shard.index).sort((left, right) => left - right);
  const expected = Array.from({ length: first.shard.count }, (_, index) => index + 1);
  if (indices.join(',') !== expected.join(',')) return fail({ kind: 'usage', message: `merge needs shards ${expected.join(', ')} exactly once each, got ${indices.join(', ')}` });
  const failures = reports.flatMap((report) => (report.failure === undefined ? [] : [report.failure])).sort((left, right) => left.seed - right.seed);
  const lowest = failures[0];
  return ok({
    verdict: lowest === undefined ? 'pass' : 'fail',
    runs: lowest === undefined ? first.shard.runsTotal : lowest.seed - first.shard.firstSeed + 1,
    seed: first.shard.firstSeed,
    failure: lowest,
  });
}
