import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Alea } from '../../src/kernel/alea.ts';

describe('Alea', () => {
  it("draws bit-identical numbers to seedrandom's alea for the same seed text, so seeds' worlds do not change", () => {
    const names = ['network', 'keyStore', 'arrivals', 'scheduler', 'swarm', 'client:c2', 'clock:server', 'probe:p1', '', 'ü→名'];
    let compared = 0;
    for (let seed = 0; seed < 400; seed++) {
      for (const name of names) {
        const text = `${seed * 7919}/${name}`;
        const ours = new Alea(text);
        const reference = seedrandom.alea(text);
        for (let draw = 0; draw < 40; draw++) {
          expect(ours.next()).toBe(reference());
          compared++;
        }
      }
    }
    expect(compared).toBe(400 * names.length * 40);
  });

  it('differs between seed texts (it is seeded at all)', () => {
    expect(new Alea('1/network').next()).not.toBe(new Alea('2/network').next());
  });
});
