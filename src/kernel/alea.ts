/**
 * Baagoe's Alea generator, seeded from a string exactly as seedrandom's `alea(seed)` is: the same
 * floating-point steps in the same order, so every number is bit-identical to seedrandom's (a test draws
 * both side by side) and every seed's world stays what it was. Written out because seeding is most of what
 * a stream costs: seedrandom builds a closure per generator, a closure per seeding and a function object
 * that gains three properties, once per named stream, about fifteen times a run (~8 % of a 3-client run,
 * bench/run-budget.ts); a class with four numbers does the same work without them.
 */
export class Alea {
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  constructor(seed: string) {
    // Mash's state carries over from call to call: three passes over ' ', then three over the seed.
    let n = masherAfterSpaces.n;
    let s0 = masherAfterSpaces.s0;
    let s1 = masherAfterSpaces.s1;
    let s2 = masherAfterSpaces.s2;
    n = mash(n, seed);
    s0 -= (n >>> 0) * 2.3283064365386963e-10;
    if (s0 < 0) s0 += 1;
    n = mash(n, seed);
    s1 -= (n >>> 0) * 2.3283064365386963e-10;
    if (s1 < 0) s1 += 1;
    n = mash(n, seed);
    s2 -= (n >>> 0) * 2.3283064365386963e-10;
    if (s2 < 0) s2 += 1;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  /** A float in [0, 1), as seedrandom's `alea(seed)()`. */
  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    return (this.s2 = t - (this.c = t | 0));
  }
}

/** Baagoe's Mash over `data`, from state `n`; returns the new state (its value is `(n >>> 0) * 2^-32`). */
function mash(state: number, data: string): number {
  let n = state;
  for (let index = 0; index < data.length; index++) {
    n += data.charCodeAt(index);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  return n;
}

// The three passes over ' ' do not depend on the seed: done once.
const masherAfterSpaces = (() => {
  let n = 0xefc8249d;
  n = mash(n, ' ');
  const s0 = (n >>> 0) * 2.3283064365386963e-10;
  n = mash(n, ' ');
  const s1 = (n >>> 0) * 2.3283064365386963e-10;
  n = mash(n, ' ');
  const s2 = (n >>> 0) * 2.3283064365386963e-10;
  return { n, s0, s1, s2 };
})();
