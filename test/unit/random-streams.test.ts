import { describe, expect, it } from 'vitest';
import { RandomStreams, forkStream } from '../../src/kernel/random.ts';

const draws = (stream: { next(): number }, count: number): number[] => Array.from({ length: count }, () => stream.next());

describe('RandomStreams', () => {
  it('get keeps a stream: asking again continues it', () => {
    const streams = new RandomStreams(9);
    const first = streams.get('network').next();
    expect([first, streams.get('network').next()]).toEqual(draws(forkStream(9, 'network'), 2));
  });

  it('once forks the numbers get would give, and keeps nothing: asking again starts over', () => {
    const streams = new RandomStreams(9);
    const expected = draws(new RandomStreams(9).get('clock:c1'), 3);
    expect(draws(streams.once('clock:c1'), 3)).toEqual(expected);
    expect(draws(streams.once('clock:c1'), 3)).toEqual(expected);
    expect(draws(streams.get('clock:c1'), 3)).toEqual(expected);
  });
});
