import { describe, expect, it } from 'vitest';
import { playScenario, storyOf } from './support.ts';

describe('scenario loser-deletes-winner-key: discarding the previous key loses the winner\'s', async () => {
  const result = await playScenario('loser-deletes-winner-key');
  const trace = result.trace ?? [];

  it('c2 deletes c1\'s key while making its own, before c1 wins', () => {
    const deletion = trace.find((record) => record.kind === 'store' && record.actor === 'c2' && record.operation === 'delete');
    const established = trace.find((record) => record.kind === 'session' && record.status === 'established');
    expect(established?.kind === 'session' && established.owner).toBe('c1');
    expect(deletion?.kind === 'store' && established?.kind === 'session' && deletion.key.endsWith(established.keyHint)).toBe(true);
  });

  it('the rejected c2 can never get the winner\'s key, and the run reports it', () => {
    const story = storyOf(trace);
    // It asks again and again (a browser keeps asking while its provider fails) until the liveness deadline.
    expect(story.filter((line) => line.startsWith('c2 asks provider for hint')).length).toBeGreaterThan(4);
    expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe('liveness');
    expect(result.outcome.kind === 'violation' && result.outcome.violation.message).toContain('no key for hint');
  });
});
