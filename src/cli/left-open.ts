/**
 * What provider code (or one of its npm packages) left open when a command ends: real handles — a server
 * socket, a file watcher, an interval — that would keep Node alive. The CLI exits with its verdict anyway
 * (see exitProcess in io.ts); this names them, since in-process (`sweep()`, rtc-sim/vitest) they stay open.
 */

/** Node's names for the handles worth naming, in words. Requests (`FSReqCallback` …) end by themselves. */
const handleNames: Readonly<Record<string, string>> = {
  TCPServerWrap: 'server socket',
  TCPSocketWrap: 'socket',
  TCPWRAP: 'socket',
  UDPWrap: 'UDP socket',
  PipeWrap: 'pipe',
  FSEventWrap: 'file watcher',
  StatWatcher: 'file watcher',
  ProcessWrap: 'child process',
  Timeout: 'timer',
  Immediate: 'immediate',
  MessagePort: 'message port',
  Worker: 'worker thread',
};

/** The process's ref'd handles, counted by Node's name for them; transient requests are left out. */
export function heldHandles(): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    if (/Req/.test(name)) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The handles held now beyond `before`, in words (`111 file watchers (FSEventWrap), 1 timer (Timeout)`), if any. */
export function describeLeftOpen(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number> = heldHandles()): string | undefined {
  const parts: string[] = [];
  for (const [name, count] of now) {
    const more = count - (before.get(name) ?? 0);
    if (more <= 0) continue;
    const words = handleNames[name] ?? 'handle';
    parts.push(`${more} ${words}${more === 1 ? '' : 's'} (${name})`);
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

/**
 * The warning for handles left open, or undefined. A handle does not say who opened it: with a backend in the
 * world (`withBackend`) both kinds of code under test are named.
 */
export function leftOpenWarning(before: ReadonlyMap<string, number>, withBackend = false, now: ReadonlyMap<string, number> = heldHandles()): string | undefined {
  const left = describeLeftOpen(before, now);
  if (left === undefined) return undefined;
  const who = withBackend ? 'provider or backend code, or their packages,' : 'provider code or its packages';
  const advice = withBackend ? 'close them, or reach the outside only through the simulated machine (env.db, env.keyStore, fetch to the backend)' : 'close them, or keep real I/O out of the provider (its backend is env.keyStore)';
  return `warning: ${who} left ${left} open; rtc-sim ends with its verdict regardless, but in-process (sweep(), rtc-sim/vitest) they stay open and would keep Node running — ${advice}`;
}
