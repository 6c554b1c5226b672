/** Where progress goes: a terminal line redrawn in place, or plain lines (CI logs). */
export interface ProgressSink {
  /** Whether the status stream is a terminal: a bar redrawn in place rather than periodic lines. */
  readonly terminal: boolean;
  /** Writes raw text to the status stream (no newline added): the bar and its erasing. */
  readonly write: (text: string) => void;
  /** Writes one plain line. */
  readonly line: (text: string) => void;
  /** Wall-clock milliseconds; the caller's clock, so that nothing below the CLI reads real time. */
  readonly now: () => number;
}

/** When and how to show progress. */
export interface ProgressOptions {
  readonly runsTotal: number;
  readonly sink: ProgressSink;
  /** Show nothing for sweeps shorter than this (default 2 s). */
  readonly quietMs?: number;
  /** Between plain lines when not on a terminal (default 5 s). */
  readonly lineIntervalMs?: number;
  /** Between redraws of the bar (default 100 ms). */
  readonly redrawIntervalMs?: number;
}

/** A progress display fed with the runs done. */
export interface Progress {
  /** Runs done so far; `seedsPassed`: how many seeds from the first on passed without a gap (default: all). */
  update(runsDone: number, seedsPassed?: number): void;
  /**
   * Erases the bar (on a terminal) and shows nothing more; call once the sweep has ended (or was
   * interrupted), before printing the report.
   */
  finish(): void;
}

const barWidth = 24;

/**
 * A progress display for long sweeps: nothing during the first seconds; then on a terminal one line redrawn
 * in place (bar, runs, runs/s, ETA), elsewhere a plain line every few seconds.
 */
export function createProgress(options: ProgressOptions): Progress {
  const { sink, runsTotal } = options;
  const started = sink.now();
  const quietMs = options.quietMs ?? 2000;
  let lastShownMs = -Infinity;
  let drawn = false;
  let finished = false;
  return {
    update(runsDone) {
      if (finished) return;
      const nowMs = sink.now();
      const elapsedMs = nowMs - started;
      if (elapsedMs < quietMs) return;
      const intervalMs = sink.terminal ? (options.redrawIntervalMs ?? 100) : (options.lineIntervalMs ?? 5000);
      if (nowMs - lastShownMs < intervalMs) return;
      lastShownMs = nowMs;
      const text = progressText(runsDone, runsTotal, elapsedMs);
      if (sink.terminal) {
        sink.write(`\r${progressBar(runsDone, runsTotal)} ${text}\u001b[K`);
        drawn = true;
      } else {
        sink.line(`progress: ${text}`);
      }
    },
    finish() {
      if (drawn) sink.write('\r\u001b[2K');
      drawn = false;
      finished = true;
    },
  };
}

/** `1,234/20,000 runs (6%) · 617 runs/s · ETA 30s`. */
export function progressText(runsDone: number, runsTotal: number, elapsedMs: number): string {
  const perSecond = runsDone / Math.max(elapsedMs / 1000, 1e-3);
  const remainingSeconds = perSecond > 0 ? (runsTotal - runsDone) / perSecond : Infinity;
  const percent = Math.floor((100 * runsDone) / Math.max(runsTotal, 1));
  return `${runsDone.toLocaleString('en-US')}/${runsTotal.toLocaleString('en-US')} runs (${percent}%) · ${Math.round(perSecond).toLocaleString('en-US')} runs/s · ETA ${formatSeconds(remainingSeconds)}`;
}

/** `[██████░░░░░░░░░░░░░░░░░░]`. */
export function progressBar(runsDone: number, runsTotal: number): string {
  const filled = Math.min(barWidth, Math.round((barWidth * runsDone) / Math.max(runsTotal, 1)));
  return `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]`;
}

/** Whole seconds for people: `45s`, `3m07s`, `2h05m`; `?` when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
