/** A key as timelines show it: short keys whole, long ones cut with their length noted. */
export function shortKey(key: string): string {
  return key.length <= 24 ? JSON.stringify(key) : `${JSON.stringify(key.slice(0, 16))}…(${key.length} chars)`;
}

/** Virtual time for people: `120ms`, `4.250s`, `2m05.000s`, `6h00m00.120s`, `31d00h01m37.380s`. */
export function formatTime(timeMs: number): string {
  if (timeMs < 1000) return `${timeMs}ms`;
  const milliseconds = String(timeMs % 1000).padStart(3, '0');
  const totalSeconds = Math.floor(timeMs / 1000);
  if (totalSeconds < 60) return `${totalSeconds}.${milliseconds}s`;
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m${seconds}.${milliseconds}s`;
  const minutes = String(totalMinutes % 60).padStart(2, '0');
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) return `${totalHours}h${minutes}m${seconds}.${milliseconds}s`;
  return `${Math.floor(totalHours / 24)}d${String(totalHours % 24).padStart(2, '0')}h${minutes}m${seconds}.${milliseconds}s`;
}

/** `1 day`, `3 days`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const units = [
  ['year', 365 * 24 * 60 * 60 * 1000],
  ['day', 24 * 60 * 60 * 1000],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
  ['second', 1000],
] as const;

/** A duration in the largest unit that divides it exactly: `1 year`, `31 days`, `90 seconds`, `500ms`. */
export function durationWords(ms: number): string {
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  return `${ms}ms`;
}
