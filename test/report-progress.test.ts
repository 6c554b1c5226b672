import { describe, expect, it } from 'vitest';
import { interruptionReport } from '../src/cli/interrupt.ts';
import type { CommandUnderway } from '../src/cli/io.ts';
import { sweepProgress, type Io } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { createProgress, formatSeconds, progressText, type ProgressSink } from '../src/report/progress.ts';
import { repositoryRoot } from './cli-support.ts';

/** A sink with a clock that moves `stepMs` every time it is read. */
function fakeSink(terminal: boolean, stepMs: number): ProgressSink & { written: string[]; lines: string[] } {
  let nowMs = 0;
  const written: string[] = [];
  const lines: string[] = [];
  return { terminal, write: (text) => written.push(text), line: (text) => lines.push(text), now: () => (nowMs += stepMs), written, lines };
}

describe('progress of long sweeps', () => {
  it('says nothing during the first two seconds', () => {
    const sink = fakeSink(true, 100);
    const progress = createProgress({ runsTotal: 2000, sink });
    for (let runs = 64; runs <= 1024; runs += 64) progress.update(runs);
    progress.finish();
    expect(sink.written).toEqual([]);
    expect(sink.lines).toEqual([]);
  });

  it('on a terminal, redraws one line in place with a bar, runs/s and an ETA, and erases it at the end', () => {
    const sink = fakeSink(true, 2000);
    const progress = createProgress({ runsTotal: 2000, sink });
    progress.update(500);
    progress.update(1000);
    progress.finish();
    expect(sink.written[0]).toMatch(/^\r\[█{6}░{18}\] 500\/2,000 runs \(25%\) · 250 runs\/s · ETA 6s\u001b\[K$/);
    expect(sink.written[1]).toMatch(/^\r\[█{12}░{12}\] 1,000\/2,000 runs \(50%\) · 250 runs\/s · ETA 4s/);
    expect(sink.written.at(-1)).toBe('\r\u001b[2K');
    expect(sink.lines).toEqual([]);
  });

  it('elsewhere (CI logs), writes a plain line every five seconds', () => {
    const sink = fakeSink(false, 1000);
    const progress = createProgress({ runsTotal: 10_000, sink });
    for (let runs = 64; runs <= 64 * 20; runs += 64) progress.update(runs);
    progress.finish();
    expect(sink.written).toEqual([]);
    expect(sink.lines.length).toBe(4);
    expect(sink.lines[0]).toMatch(/^progress: \d+\/10,000 runs \(\d+%\) · \d+ runs\/s · ETA \d+(m\d\ds|s)$/);
  });

  it('formats rates and times for people', () => {
    expect(progressText(0, 100, 0)).toContain('ETA ?');
    expect(formatSeconds(59.2)).toBe('1m00s');
    expect(formatSeconds(3725)).toBe('1h02m');
  });

  it('check shows progress on the status stream of a slow sweep, and none with --json', async () => {
    const run = async (argv: string[]) => {
      let nowMs = 0;
      const err: string[] = [];
      const io: Io = { out: () => {}, err: (text) => err.push(text), colour: false, cwd: repositoryRoot, status: () => {}, statusIsTerminal: false, now: () => (nowMs += 3000) };
      await main(argv, io);
      return err;
    };
    const text = await run(['check', 'examples/providers/good-static-key.ts', '--runs', '400']);
    expect(text.filter((line) => line.startsWith('progress: ')).length).toBeGreaterThanOrEqual(2);
    const json = await run(['check', 'examples/providers/good-static-key.ts', '--runs', '400', '--json']);
    expect(json.filter((line) => line.startsWith('progress: '))).toEqual([]);
  });
});

describe('an interrupted sweep', () => {
  it('restores the terminal line the bar was drawn on, draws nothing after, and keeps the count an interruption reports', () => {
    let nowMs = 0;
    const written: string[] = [];
    const underway: CommandUnderway = { sweep: undefined, restoreTerminal: undefined };
    const io: Io = { out: () => {}, err: () => {}, colour: false, cwd: repositoryRoot, status: (text) => written.push(text), statusIsTerminal: true, now: () => (nowMs += 3000), underway };
    const progress = sweepProgress(io, { firstSeed: 10, runsTotal: 200_000, json: false });
    progress.update(640, 512);
    expect(underway.sweep).toMatchObject({ firstSeed: 10, runsTotal: 200_000, runsDone: 640, seedsPassed: 512 });
    expect(written.at(-1)).toMatch(/^\r\[.*640\/200,000 runs/);
    underway.restoreTerminal?.();
    progress.update(704);
    expect(written.at(-1)).toBe('\r\u001b[2K');
    const report = interruptionReport('SIGINT', underway.sweep, ['check', 'x.ts', '--runs=200000', '--shard', '2/4', '--seed', '10', '--json'], repositoryRoot);
    expect(report.text).toBe('interrupted by SIGINT after 704 of 200,000 runs, no failure so far (seeds 10…713 passed); resume with: node bin/rtc-sim.js check x.ts --json --seed 714 --runs 199296');
    progress.finish();
    expect(underway.sweep).toBeUndefined();
    expect(interruptionReport('SIGTERM', underway.sweep, [], repositoryRoot).text).toBe('interrupted by SIGTERM before the verdict');
  });
});
