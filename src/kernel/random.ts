import seedrandom from 'seedrandom';

/** A deterministic source of random numbers, forked from a run seed by name. */
export interface RandomStream {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  integer(min: number, max: number): number;
  /** `length` random bytes. */
  bytes(length: number): Uint8Array;
  /** Lower-case hex of `length` random bytes. */
  hex(length: number): string;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/**
 * Forks the stream called `name` from `seed`. Streams of different names are independent, so a new draw
 * in one component never shifts the numbers another component sees (the turmoil/madsim habit).
 */
export function forkStream(seed: number | string, name: string): RandomStream {
  const generator = seedrandom.alea(`${seed}/${name}`);
  const next = (): number => generator();
  return {
    next,
    integer(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    bytes(length) {
      const out = new Uint8Array(length);
      for (let index = 0; index < length; index++) out[index] = Math.floor(next() * 256);
      return out;
    },
    hex(length) {
      let out = '';
      for (let index = 0; index < length; index++) out += Math.floor(next() * 256).toString(16).padStart(2, '0');
      return out;
    },
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick() needs a non-empty array');
      return item;
    },
  };
}

/**
 * Streams forked by name from one run seed. Seeding a generator is the costly part, and a run names about
 * twenty-five streams of which many are never drawn from (clocks that agree, faults that are off), so a
 * stream is seeded only at its first draw.
 */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();
  constructor(readonly seed: number | string) {}

  /** The stream called `name`, forked from this run's seed. */
  get(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = lazyStream(() => forkStream(this.seed, name));
      this.streams.set(name, stream);
    }
    return stream;
  }
}

function lazyStream(create: () => RandomStream): RandomStream {
  let inner: RandomStream | undefined;
  const real = (): RandomStream => (inner ??= create());
  return {
    next: () => real().next(),
    integer: (min, max) => real().integer(min, max),
    bytes: (length) => real().bytes(length),
    hex: (length) => real().hex(length),
    pick: (items) => real().pick(items),
  };
}
