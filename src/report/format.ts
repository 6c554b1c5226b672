/** A key as timelines show it: short keys whole, long ones cut with their length noted. */
export function shortKey(key: string): string {
  return key.length <= 24 ? JSON.stringify(key) : `${JSON.stringify(key.slice(0, 16))}…(${key.length} chars)`;
}

/** Virtual time for people: `120ms`, `4.250s`, `2m05.000s`, `6h00m00.120s`. */
export function formatTime(timeMs: number): string {
  if (timeMs < 1000) return `${timeMs}ms`;
  const milliseconds = String(timeMs % 1000).padStart(3, '0');
  const totalSeconds = Math.floor(timeMs / 1000);
  if (totalSeconds < 60) return `${totalSeconds}.${milliseconds}s`;
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m${seconds}.${milliseconds}s`;
  const minutes = String(totalMinutes % 60).padStart(2, '0');
  return `${Math.floor(totalMinutes / 60)}h${minutes}m${seconds}.${milliseconds}s`;
}
