import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, Lane } from '../src/kernel/event-queue.ts';
import type { SimEvent } from '../src/kernel/event.ts';

type Command =
  | { readonly type: 'timer'; readonly delayMs: number }
  | { readonly type: 'async'; readonly delayMs: number; readonly lane: number | undefined }
  | { readonly type: 'cancel'; readonly which: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constant('timer' as const), delayMs: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ type: fc.constant('async' as const), delayMs: fc.integer({ min: 0, max: 80 }), lane: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) }),
  fc.record({ type: fc.constant('cancel' as const), which: fc.nat() }),
);

interface Ran {
  readonly event: SimEvent;
  readonly atMs: number;
  readonly pendingAsyncDueBefore: boolean;
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
    const pendingAsyncDueBefore =
      chosen.timing === 'timer' && created.some((event) => event.timing === 'async' && !cancelled.has(event) && !ran.some((entry) => entry.event === event) && event.dueMs < chosen.dueMs);
    queue.take(chosen);
    ran.push({ event: chosen, atMs: queue.nowMs, pendingAsyncDueBefore });
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
