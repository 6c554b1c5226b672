import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigPins } from '../config/run-config.ts';
import { sweep, type SweepReport } from '../explore/sweep.ts';
import { renderTimeline } from '../report/timeline.ts';
import { describeConfig } from './describe-config.ts';
import { exitCodeForFailure, exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { pinsAsFlags, pinsFrom, shellWord, type WorldOptions } from './options.ts';

/** Options of `rtc-sim check`. */
export interface CheckCommandOptions extends WorldOptions {
  readonly runs: number;
  readonly seed: number;
  readonly json?: boolean;
}

/** `rtc-sim check <module>`: sweeps seeded schedules; prints the verdict, and on failure the run and its replay line. */
export async function checkCommand(modulePath: string, options: CheckCommandOptions, io: Io): Promise<number> {
  const source = await loadSource(modulePath, io.cwd);
  if (!source.ok) {
    io.err(inputErrorMessage(source.error));
    return exitCodes.input;
  }
  const pins = pinsFrom(options);
  const report = await sweep({ source: source.value, runs: options.runs, seed: options.seed, pins });
  const replayLine = report.failure === undefined ? undefined : replayCommand(modulePath, report.failure.seed, pins, io.cwd);
  if (options.json === true) {
    io.out(JSON.stringify(checkJson(modulePath, report, replayLine)));
  } else {
    printReport(modulePath, report, replayLine, io);
  }
  return report.failure === undefined ? exitCodes.pass : exitCodeForFailure(report.failure.property);
}

/** The one command that reproduces a failing run. */
export function replayCommand(modulePath: string, seed: number, pins: ConfigPins, cwd: string): string {
  const cli = relative(cwd, fileURLToPath(new URL('../cli.ts', import.meta.url))) || 'src/cli.ts';
  const flags = pinsAsFlags(pins);
  return `npx tsx ${shellWord(cli)} replay --seed ${seed} ${shellWord(modulePath)}${flags === '' ? '' : ` ${flags}`}`;
}

function checkJson(modulePath: string, report: SweepReport, replayLine: string | undefined): object {
  const failure = report.failure;
  return {
    module: modulePath,
    verdict: report.verdict,
    runs: report.runs,
    seed: report.seed,
    ...(failure === undefined
      ? {}
      : {
          failure: {
            property: failure.property,
            message: failure.message,
            seed: failure.seed,
            replay: replayLine,
            config: failure.config,
            steps: failure.replayed.steps,
          },
        }),
  };
}

function printReport(modulePath: string, report: SweepReport, replayLine: string | undefined, io: Io): void {
  const paint = painterFor(io);
  const seeds = `seeds ${report.seed}…${report.seed + report.runs - 1}`;
  const failure = report.failure;
  if (failure === undefined) {
    io.out(paint.green(`✓ PASS ${modulePath}: ${report.runs} runs (${seeds}), every property held`));
    return;
  }
  io.out(paint.red(paint.bold(`✗ FAIL ${modulePath}: ${failure.property} after ${report.runs} runs (${seeds})`)));
  io.out(`world: ${describeConfig(failure.config)}`);
  io.out('');
  io.out(renderTimeline(failure.replayed.trace ?? [], failure.replayed.outcome, paint));
  io.out('');
  io.out(`replay: ${replayLine ?? ''}`);
}
