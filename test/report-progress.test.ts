import { describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.ts';
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
