// The ceiling the issue quotes: a bare discrete-event loop of the same race — a binary heap of (time, sequence)
// events, clients that race to create a session through an awaited async provider — with no trace, no
// checks, no sandbox, no faults and no retention probe. Printed next to rtc-sim so that the targets can be
// read against what this machine can do at all; it is not a model of the protocol.

interface BareEvent {
  readonly timeMs: number;
  readonly sequence: number;
  readonly action: () => void;
}

/** A binary min-heap on (time, sequence). */
class BareHeap {
  private readonly items: BareEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  push(event: BareEvent): void {
    const items = this.items;
    items.push(event);
    for (let index = items.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (earlier(items[parent] as BareEvent, event)) break;
      items[index] = items[parent] as BareEvent;
      items[parent] = event;
      index = parent;
    }
  }

  pop(): BareEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let index = 0; ; ) {
      const left = 2 * index + 1;
      let least = index;
      if (left < items.length && earlier(items[left] as BareEvent, items[least] as BareEvent)) least = left;
      if (left + 1 < items.length && earlier(items[left + 1] as BareEvent, items[least] as BareEvent)) least = left + 1;
      if (least === index) return top;
      items[index] = items[least] as BareEvent;
      items[least] = last;
      index = least;
    }
  }
}

function earlier(a: BareEvent, b: BareEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.sequence < b.sequence);
}

/** A small seeded generator (mulberry32): the ceiling must not pay for string seeding either. */
function bareRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One run of the bare race; resolves with its event count, or throws if the clients' keys differ. */
async function bareRun(seed: number, clients: number): Promise<number> {
  const random = bareRandom(seed);
  const queue = new BareHeap();
  let sequence = 0;
  let nowMs = 0;
  let events = 0;
  const after = (delayMs: number, action: () => void): void => queue.push({ timeMs: nowMs + delayMs, sequence: sequence++, action });
  const hop = (): Promise<void> => new Promise((resolve) => after(1 + Math.floor(random() * 5), resolve));
  const store = new Map<string, string>();
  const session: { owner: number | undefined; keyHint: string } = { owner: undefined, keyHint: '' };
  const provider = async (keyHint: string | null): Promise<{ key: string; keyHint: string }> => {
    const hint = keyHint ?? `h${Math.floor(random() * 1e9)}`;
    await hop();
    if (keyHint === null) store.set(hint, `k${hint}`);
    return { key: store.get(hint) ?? '', keyHint: hint };
  };
  const keys: string[] = [];
  for (let client = 0; client < clients; client++) {
    after(Math.floor(random() * 3), () => {
      void (async () => {
        await hop();
        if (session.owner === undefined) {
          const created = await provider(null);
          await hop();
          if (session.owner === undefined) {
            session.owner = client;
            session.keyHint = created.keyHint;
            keys[client] = created.key;
            return;
          }
        }
        await hop();
        keys[client] = (await provider(session.keyHint)).key;
      })();
    });
  }
  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    nowMs = event.timeMs;
    events++;
    event.action();
    // Let the continuations the event released run before the next one is chosen (settle, then pop).
    for (let turn = 0; turn < 4; turn++) await null;
  }
  if (new Set(keys).size !== 1) throw new Error(`bare loop seed ${seed}: the clients hold different keys`);
  return events;
}

/** What one bare-loop measurement found. */
export interface BareLoopResult {
  readonly runs: number;
  readonly elapsedMs: number;
  readonly eventsPerRun: number;
}

/** Runs `runs` seeds of the bare race and times them. */
export async function runBareLoop(options: { readonly clients: number; readonly runs: number; readonly seed: number }): Promise<BareLoopResult> {
  let events = 0;
  const started = performance.now();
  for (let index = 0; index < options.runs; index++) events += await bareRun(options.seed + index, options.clients);
  return { runs: options.runs, elapsedMs: performance.now() - started, eventsPerRun: events / options.runs };
}
