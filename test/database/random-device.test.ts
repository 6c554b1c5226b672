import { createRequire } from 'node:module';
import type { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedEngine, type DatabaseEngine } from '../../src/database/engine.ts';
import { onMachine, withoutEngineAlarms } from '../../src/database/machine.ts';
import { reseedRandomDevice } from '../../src/database/random-device.ts';
import { forkStream } from '../../src/kernel/random.ts';
import { epochMs, runWorld, setupOf } from './support.ts';

// The engine's random device and the machine a statement runs on: what gen_random_uuid() draws from, the
// device's buffer left over from the run before, and the host's clock, entropy and timers while the engine works.
const nodeCrypto = createRequire(import.meta.url)('node:crypto') as { randomFillSync: (view: ArrayBufferView) => ArrayBufferView };

let engine: DatabaseEngine;
beforeAll(async () => {
  engine = await sharedEngine();
}, 60_000);

/** A device like Emscripten's: `refillAt` reads before it asks the host for bytes (never, when undefined). */
function fakeDevice(refillAt: number | undefined) {
  const state = { reads: 0, opened: 0, closed: 0, filled: [] as number[] };
  const FS = {
    open: (path: string) => (state.opened++, path),
    read: () => {
      state.reads++;
      if (state.reads === refillAt) state.filled.push(...nodeCrypto.randomFillSync(new Uint8Array(4)) as Uint8Array);
      return 1;
    },
    close: () => void state.closed++,
  };
  return { pglite: { Module: { FS } } as unknown as PGlite, state };
}

const machine = (seed: number) => ({ clockMs: () => epochMs, entropy: forkStream(seed, 'database') });

describe('reseedRandomDevice', () => {
  it('reads until the device refills from the machine, and closes it', () => {
    const { pglite, state } = fakeDevice(5);
    reseedRandomDevice(pglite, machine(1));
    expect(state).toEqual({ reads: 5, opened: 1, closed: 1, filled: [...forkStream(1, 'database').bytes(4)] });
  });

  it('a device that never refills is an error after 1,024 reads, one more than a buffer can have left; the device is closed', () => {
    const { pglite, state } = fakeDevice(undefined);
    expect(() => reseedRandomDevice(pglite, machine(1))).toThrow(new Error('reseedRandomDevice(): the random device did not refill within 1024 bytes'));
    expect(state).toMatchObject({ reads: 1024, opened: 1, closed: 1 });
  });

  it('the worst case, a buffer refilled just before, refills at the 1,024th read', () => {
    const { pglite, state } = fakeDevice(1024);
    reseedRandomDevice(pglite, machine(2));
    expect(state).toMatchObject({ reads: 1024, closed: 1 });
  });

  it("a run's first uuid is drawn from its own stream, whatever the device held before", async () => {
    const setup = setupOf('random-device-uuid', 'SELECT 1');
    const uuid = async (seed: number) => {
      const run = await runWorld({ engine, setup, seed, callers: { r1: async (db) => (await db.query<{ id: string }>('SELECT gen_random_uuid() AS id')).rows[0]?.id } });
      return (run.results['r1'] as { value: string }).value;
    };
    const first = await uuid(11);
    await uuid(12);
    // freshRun draws setseed's value first, then the device refills with 1,024 bytes and hands them out from
    // the end: the refill's read takes the last, the uuid the 16 before it (its version and variant bits set).
    const stream = forkStream(11, 'database');
    stream.next();
    const buffer = stream.bytes(1024);
    const bytes = [...buffer.slice(1007, 1023)].reverse();
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = Buffer.from(bytes).toString('hex');
    expect(first).toBe(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    expect(await uuid(11)).toBe(first);
  });
});

describe('onMachine and withoutEngineAlarms', () => {
  it("answers the host's clock and random fill from the machine for the call only; a nested call is refused and changes nothing", () => {
    const realNow = Date.now;
    const seen = onMachine(machine(3), () => {
      const nested = (() => {
        try {
          return onMachine(machine(4), () => 'ran');
        } catch (error) {
          return (error as Error).message;
        }
      })();
      return { nested, now: Date.now(), bytes: [...(nodeCrypto.randomFillSync(new Uint8Array(3)) as Uint8Array)] };
    });
    expect(seen).toEqual({ nested: 'onMachine(): the engine is already running a statement', now: epochMs, bytes: [...forkStream(3, 'database').bytes(3)] });
    expect(Date.now).toBe(realNow);
    expect(onMachine(machine(5), () => Date.now())).toBe(epochMs);
  });

  it("the engine's alarms never fire and hold nothing; the host's own timers can still be cleared", async () => {
    let fired = 0;
    const host = setTimeout(() => fired++, 1);
    const alarm = withoutEngineAlarms(() => {
      const handle = setTimeout(() => fired++, 0);
      clearTimeout(host);
      clearTimeout(handle);
      return handle;
    });
    expect([alarm.hasRef(), alarm.ref(), alarm.unref(), alarm.refresh(), Number(alarm)]).toEqual([false, alarm, alarm, alarm, 0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(0);
  });
});
