import { describe, expect, it } from 'vitest';
import { playScenario, storyOf } from './support.ts';

describe('scenario late-joiner: a browser opening the document a minute later gets the existing hint', async () => {
  const result = await playScenario('late-joiner');
  const trace = result.trace ?? [];
  const story = storyOf(trace);

  it('c3 is answered with the existing session and asks its provider for that hint, never for a new key', () => {
    const c3 = story.filter((line) => line.startsWith('c3 '));
    expect(c3).toEqual([
      'c3 is requesting',
      'c3 gets sessionExists from server',
      'c3 is joining',
      `c3 asks provider for hint ${winnerHint()}`,
      'c3 is collaborating',
    ]);
    const arrival = trace.find((record) => record.kind === 'arrive' && record.actor === 'c3');
    expect(arrival?.timeMs).toBe(60_000);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  function winnerHint(): string {
    const session = trace.find((record) => record.kind === 'session' && record.status === 'established');
    return session?.kind === 'session' ? session.keyHint : 'missing';
  }
});
