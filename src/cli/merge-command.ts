import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { mergeShards, parseShard, readShardReport, type Shard, type ShardReport } from '../explore/shards.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';

/** A commander parser for `--shard k/n`. */
export function shardOption(value: string): Shard {
  const shard = parseShard(value);
  if (shard === undefined) throw new InvalidArgumentError('expected k/n with 1 ≤ k ≤ n, e.g. 2/4.');
  return shard;
}

/** `rtc-sim merge a.json b.json …`: the verdict and lowest failing seed of the shards together. */
export function mergeCommand(files: readonly string[], options: { readonly json?: boolean }, io: Io): number {
  const reports: ShardReport[] = [];
  for (const file of files) {
    const report = readShardReport(resolve(io.cwd, file));
    if (!report.ok) {
      io.err(inputErrorMessage(report.error));
      return exitCodes.input;
    }
    reports.push(report.value);
  }
  const merged = mergeShards(reports);
  if (!merged.ok) {
    io.err(inputErrorMessage(merged.error));
    return exitCodes.input;
  }
  const { verdict, runs, seed, failure } = merged.value;
  const module = reports[0]?.module ?? '';
  if (options.json === true) {
    io.out(JSON.stringify({ module, verdict, runs, seed, shards: reports.length, ...(failure === undefined ? {} : { failure }) }));
  } else {
    const paint = painterFor(io);
    if (failure === undefined) io.out(paint.green(`✓ PASS ${module}: ${runs} runs over ${reports.length} shards (seeds ${seed}…${seed + runs - 1}), every property held`));
    else {
      io.out(paint.red(paint.bold(`✗ FAIL ${module}: ${failure.property} at seed ${failure.seed} (the lowest failing seed of ${reports.length} shards)`)));
      io.out(failure.message);
      const replay = (failure as { replay?: unknown }).replay;
      if (typeof replay === 'string') io.out(`replay: ${replay}`);
    }
  }
  return failure === undefined ? exitCodes.pass : exitCodeForFailure(failure.property as Parameters<typeof exitCodeForFailure>[0]);
}
