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
  return new SeededStream(`${seed}/${name}`);
}

// A class rather than an object literal of closures: a large world holds a few streams per client, and
// methods on a prototype cost nothing per stream. Seeding a generator is the costly part, and a run names
// about twenty-five streams of which many are never drawn from (clocks that agree, faults that are off), so
// a stream is seeded at its first draw; the numbers are the same either way.
class SeededStream implements RandomStream {
  private generator: (() => number) | undefined;
  constructor(private readonly seedText: string) {}

  next(): number {
    return (this.generator ??= seedrandom.alea(this.seedText))();
  }

  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let index = 0; index < length; index++) out[index] = Math.floor(this.next() * 256);
    return out;
  }

  hex(length: number): string {
    let out = '';
    for (let index = 0; index < length; index++) out += hexOfByte[Math.floor(this.next() * 256)];
    return out;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick() needs a non-empty array');
    return item;
  }
}

// Two lower-case hex digits for each byte value: a lookup instead of toString(16) and padStart per byte.
const hexOfByte: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Streams forked by name from one run seed, each made once and seeded at its first draw. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();
  constructor(readonly seed: number | string) {}

  /** The stream called `name`, forked from this run's seed. */
  get(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = forkStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /**
   * The stream called `name`, not kept: for a node that draws from it once, when it is made (its clock), so
   * that a world of 10,000 browsers does not hold 10,000 spent generators. Asking twice gives the same numbers.
   */
  once(name: string): RandomStream {
    return forkStream(this.seed, name);
  }
}
