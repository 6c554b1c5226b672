import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, Lane } from '../src/kernel/event-queue.ts';
import type { SimEvent } from '../src/kernel/event.ts';

type Command =
  | { readonly type: 'timer'; readonly delayMs: number }
  | { readonly type: 'async'; readonly delayMs: number; readonly lane: number | undefined }
  | { readonly type: 'cancel'; readonly which: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  // Coincident timers are common in large worlds (clients arriving in the same millisecond): draw them often.
  fc.record({ type: fc.constant('timer' as const), delayMs: fc.oneof(fc.constantFrom(0, 10), fc.integer({ min: 0, max: 50 })) }),
  fc.record({ type: fc.constant('async' as const), delayMs: fc.integer({ min: 0, max: 80 }), lane: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) }),
  fc.record({ type: fc.constant('cancel' as const), which: fc.nat() }),
);

interface Ran {
  readonly event: SimEvent;
  readonly atMs: number;
  readonly pendingAsyncDueBefore: boolean;
  /** When only timers were enabled: whether they were every pending timer due first, in creation order. */
  readonly timersEnabledAsDue: boolean;
}

/**
 * Plays commands against the queue: a few up front, the rest issued by running events (as model code does),
 * with choices drawn by fast-check standing in for any strategy.
 */
function play(initial: readonly Command[], later: readonly Command[], choices: readonly number[]) {
  const queue = new EventQueue();
  const lanes = [new Lane('a'), new Lane('b'), new Lane('c')];
  const created: SimEvent[] = [];
  const cancelled = new Set<SimEvent>();
  const ran: Ran[] = [];
  let nextCommand = 0;
  const issue = (item: Command): void => {
    if (item.type === 'cancel') {
      const target = created[item.which % Math.max(1, created.length)];
      if (target !== undefined && !ran.some((entry) => entry.event === target)) {
        queue.cancel(target);
        cancelled.add(target);
      }
      return;
    }
    const spec = { key: `e${created.length}`, actor: 'x', resources: [], delayMs: item.delayMs, action: () => {
      const follow = later[nextCommand++];
      if (follow !== undefined) issue(follow);
    } };
    created.push(item.type === 'timer' ? queue.timer(spec) : queue.async(spec, item.lane === undefined ? undefined : lanes[item.lane]));
  };
  initial.forEach(issue);
  for (let step = 0; step < 500; step++) {
    const enabled = queue.enabled();
    if (enabled.length === 0) break;
    const chosen = enabled[(choices[step] ?? 0) % enabled.length] as SimEvent;
    const pending = (event: SimEvent): boolean => !cancelled.has(event) && !ran.some((entry) => entry.event === event);
    const pendingTimers = created.filter((event) => event.timing === 'timer' && pending(event));
    const firstDueMs = Math.min(...pendingTimers.map((event) => event.dueMs));
    const timersEnabledAsDue =
      chosen.timing !== 'timer' || JSON.stringify(enabled.map((event) => event.sequence)) === JSON.stringify(pendingTimers.filter((event) => event.dueMs === firstDueMs).map((event) => event.sequence));
    const pendingAsyncDueBefore =
      chosen.timing === 'timer' && created.some((event) => event.timing === 'async' && !cancelled.has(event) && !ran.some((entry) => entry.event === event) && event.dueMs < chosen.dueMs);
    queue.take(chosen);
    ran.push({ event: chosen, atMs: queue.nowMs, pendingAsyncDueBefore, timersEnabledAsDue });
    chosen.action();
  }
  return { created, cancelled, ran };
}

describe('event queue', () => {
  const commands = fc.tuple(fc.array(command, { minLength: 1, maxLength: 12 }), fc.array(command, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 200 }));

  it('virtual time never goes back, and no event runs before it is due', () => {
    fc.assert(
      fc.property(commands, ([initial, later, choices]) => {
        const { ran } = play(initial, later, choices);
        for (let index = 1; index < ran.length; index++) expect(ran[index]?.atMs).toBeGreaterThanOrEqual(ran[index - 1]?.atMs ?? 0);
        for (const entry of ran) expect(entry.atMs).toBeGreaterThanOrEqual(entry.event.dueMs);
      }),
    );
  });

  it('timers are punctual and never preempt an asynchronous event due before them', () => {
    fc.assert(
      fc.property(commands, ([initial, later, choices]) => {
        for (const entry of play(initial, later, choices).ran) {
          if (entry.event.timing !== 'timer') continue;
          expect(entry.atMs).toBe(entry.event.dueMs);
          expect(entry.pendingAsyncDueBefore).toBe(false);
        }
      }),
    );
  });

  it('when timers are enabled, they are every pending timer due first, in creation order (coincident timers all race)', () => {
    // Mostly timers on a coarse grid, so that many coincide and running one sets or cancels another at that time.
    const coincident: fc.Arbitrary<Command> = fc.oneof(
      { arbitrary: fc.record({ type: fc.constant('timer' as const), delayMs: fc.constantFrom(0, 10, 20) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant('cancel' as const), which: fc.nat() }), weight: 1 },
      { arbitrary: fc.record({ type: fc.constant('async' as const), delayMs: fc.constantFrom(0, 10, 20), lane: fc.constant(undefined) }), weight: 1 },
    );
    const timerCommands = fc.tuple(fc.array(coincident, { minLength: 1, maxLength: 12 }), fc.array(coincident, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 200 }));
    fc.assert(
      fc.property(timerCommands, ([initial, later, choices]) => {
        for (const entry of play(initial, later, choices).ran) expect(entry.timersEnabledAsDue).toBe(true);
      }),
    );
  });

  it('asking which events are enabled takes none: a timer set afterwards, due earlier, is enabled alone', () => {
    const queue = new EventQueue();
    const timer = (key: string, delayMs: number): SimEvent => queue.timer({ key, actor: 'x', resources: [], delayMs, action: () => undefined });
    timer('late', 10);
    timer('late too', 10);
    expect(queue.enabled().map((event) => event.key)).toEqual(['late', 'late too']);
    timer('early', 5);
    expect(queue.enabled().map((event) => event.key)).toEqual(['early']);
    queue.take(queue.enabled()[0] as SimEvent);
    expect(queue.enabled().map((event) => event.key)).toEqual(['late', 'late too']);
  });

  it('a withdrawn event lets go of its action at once (a cancelled timer waits in the heap until its time)', () => {
    const queue = new EventQueue();
    const lane = new Lane('a');
    const action = (): void => undefined;
    const spec = (key: string) => ({ key, actor: 'x', resources: [], delayMs: 10, action });
    const timer = queue.timer(spec('timer'));
    const first = queue.async(spec('first'), lane);
    const second = queue.async(spec('second'), lane);
    const kept = queue.timer(spec('kept'));
    queue.cancel(timer);
    queue.dropLane(lane);
    expect([timer, first, second, kept].map((event) => event.action === action)).toEqual([false, false, false, true]);
  });

  it('every event that is not withdrawn runs exactly once; withdrawn ones never run', () => {
    fc.assert(
      fc.property(commands, ([initial, later, choices]) => {
        const { created, cancelled, ran } = play(initial, later, choices);
        const runs = ran.map((entry) => entry.event);
        expect(new Set(runs).size).toBe(runs.length);
        for (const event of created) expect(runs.includes(event)).toBe(!cancelled.has(event));
      }),
    );
  });

  it('deliveries on one lane keep their sending order (websocket FIFO)', () => {
    fc.assert(
      fc.property(commands, ([initial, later, choices]) => {
        const { ran } = play(initial, later, choices);
        for (const lane of ['a', 'b', 'c']) {
          const order = ran.filter((entry) => entry.event.lane?.name === lane).map((entry) => entry.event.sequence);
          expect(order).toEqual([...order].sort((left, right) => left - right));
        }
      }),
    );
  });
});
