import { describe, expect, it } from 'vitest';
import { playScenario, storyOf, timelineOf } from './support.ts';

describe('scenario seeds-race: two browsers open an unknown document in the same millisecond', async () => {
  const result = await playScenario('seeds-race');
  const trace = result.trace ?? [];
  const story = storyOf(trace);
  const indexOf = (line: string): number => {
    const index = story.indexOf(line);
    expect(index, `expected "${line}" in the story`).toBeGreaterThanOrEqual(0);
    return index;
  };

  it('1. both plugins request a session and the server has none', () => {
    expect(story.slice(0, 2)).toEqual(['c1 is requesting', 'c2 is requesting']);
    expect(indexOf('c1 gets noSession from server')).toBeLessThan(indexOf('c1 asks provider for a new key'));
    expect(indexOf('c2 gets noSession from server')).toBeLessThan(indexOf('c2 asks provider for a new key'));
  });

  it('2–3. both ask their provider for a key with no hint, then send create session', () => {
    const answers = trace.filter((record) => record.kind === 'provider-answer' && record.requestedHint === null);
    expect(answers.map((record) => record.actor)).toEqual(['c1', 'c2']);
    expect(story.filter((line) => line === 'server gets createSession from c1' || line === 'server gets createSession from c2')).toHaveLength(2);
  });

  it('4–5. one wins, the other is rejected and waits', () => {
    expect(indexOf('server: session pending, owner c1')).toBeLessThan(indexOf('c2 gets createRejected from server'));
    expect(indexOf('c2 gets createRejected from server')).toBeLessThan(indexOf('c2 is waiting'));
  });

  it('6. only after the winner uploads does the server announce the session with the winner\'s hint', () => {
    const established = indexOf('server: session established, owner c1');
    expect(indexOf('server gets uploadContent from c1')).toBeLessThan(established);
    expect(indexOf('c2 gets newSessionAvailable from server')).toBeGreaterThan(established);
    const winnerHint = trace.find((record) => record.kind === 'session' && record.status === 'established');
    const announcement = trace.find((record) => record.kind === 'deliver' && record.actor === 'c2' && record.message.type === 'newSessionAvailable');
    expect(announcement?.kind === 'deliver' && announcement.message.type === 'newSessionAvailable' && announcement.message.keyHint).toBe(
      winnerHint?.kind === 'session' && winnerHint.keyHint,
    );
  });

  it('7. the rejected client asks for that hint, gets the winner\'s key and collaborates', () => {
    const collaborating = trace.filter((record) => record.kind === 'state' && record.state === 'collaborating');
    expect(collaborating.map((record) => record.actor)).toEqual(['c1', 'c2']);
    const keys = new Set(collaborating.map((record) => (record.kind === 'state' ? record.key : undefined)));
    expect(keys.size).toBe(1);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  it('pins the whole trace', () => {
    expect(timelineOf(result)).toMatchInlineSnapshot(`
      "   0                0ms  c1       opens d1
         0                0ms  c1       requesting: waits for the server to answer requestSession
         1                0ms  c2       opens d1
         1                0ms  c2       requesting: waits for the server to answer requestSession
         2               10ms  server   receives requestSession from c1
         3               10ms  server   receives requestSession from c2
         4               20ms  c1       receives noSession from server
         4               20ms  c1       creating: waits for its provider to answer keyHint null
         4               20ms  c1       calls provider({ documentId: "d1", keyHint: null })
         5               20ms  c2       receives noSession from server
         5               20ms  c2       creating: waits for its provider to answer keyHint null
         5               20ms  c2       calls provider({ documentId: "d1", keyHint: null })
         6               25ms  c1       keyStore.setIfAbsent("d1/key-2843ba9436a16640", "de713291d314e804"…(64 chars)) → true
         6               25ms  c1       provider answers { key: "de713291d314e804"…(64 chars), keyHint: "key-2843ba9436a16640" }
         6               25ms  c1       create-sent: waits for the server to accept or reject createSession
         7               25ms  c2       keyStore.setIfAbsent("d1/key-1e60c79b4b80a15a", "63d5db375cfdd872"…(64 chars)) → true
         7               25ms  c2       provider answers { key: "63d5db375cfdd872"…(64 chars), keyHint: "key-1e60c79b4b80a15a" }
         7               25ms  c2       create-sent: waits for the server to accept or reject createSession
         8               35ms  server   receives createSession(keyHint "key-2843ba9436a16640") from c1
         8               35ms  server   session for d1 is pending (owner c1, keyHint "key-2843ba9436a16640")
         9               35ms  server   receives createSession(keyHint "key-1e60c79b4b80a15a") from c2
        10               45ms  c1       receives createAccepted from server
        10               45ms  c1       establishing: waits for newSessionAvailable for its own session
        11               45ms  c2       receives createRejected from server
        11               45ms  c2       waiting: waits for newSessionAvailable (its create was rejected)
        12               55ms  server   receives uploadContent from c1
        12               55ms  server   session for d1 is established (owner c1, keyHint "key-2843ba9436a16640")
        13               65ms  c1       receives newSessionAvailable(keyHint "key-2843ba9436a16640") from server
        13               65ms  c1       collaborates on d1 with key "de713291d314e804"…(64 chars)
        14               65ms  c2       receives newSessionAvailable(keyHint "key-2843ba9436a16640") from server
        14               65ms  c2       joining: waits for its provider to answer keyHint "key-2843ba9436a16640"
        14               65ms  c2       calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        15               70ms  c2       keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        15               70ms  c2       provider answers { key: "de713291d314e804"…(64 chars) }
        16               80ms  server   receives requestSession from c2
        17               90ms  c2       receives sessionExists(keyHint "key-2843ba9436a16640") from server
        17               90ms  c2       joining: waits for its provider to answer keyHint "key-2843ba9436a16640"
        17               90ms  c2       collaborates on d1 with key "de713291d314e804"…(64 chars)
        17               90ms  world    ── settled: every client is collaborating or has given up
        17               90ms  probe-1  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        18               95ms  probe-1  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        18               95ms  probe-1  provider answers { key: "de713291d314e804"…(64 chars) }
        18               95ms  probe-1  fresh client asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        18               95ms  world    ── quiet: nothing happens until 10 minutes after the race settled
        19         10m00.090s  probe-2  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        20         10m00.095s  probe-2  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        20         10m00.095s  probe-2  provider answers { key: "de713291d314e804"…(64 chars) }
        20         10m00.095s  probe-2  fresh client, 10 minutes after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        20         10m00.095s  world    ── quiet: nothing happens until 1 day after the race settled
        21    1d00h00m00.090s  probe-3  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        22    1d00h00m00.095s  probe-3  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        22    1d00h00m00.095s  probe-3  provider answers { key: "de713291d314e804"…(64 chars) }
        22    1d00h00m00.095s  probe-3  fresh client, 1 day after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        22    1d00h00m00.095s  world    ── quiet: nothing happens until 31 days after the race settled
        23   31d00h00m00.090s  probe-4  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        24   31d00h00m00.095s  probe-4  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        24   31d00h00m00.095s  probe-4  provider answers { key: "de713291d314e804"…(64 chars) }
        24   31d00h00m00.095s  probe-4  fresh client, 31 days after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        24   31d00h00m00.095s  world    ── quiet: nothing happens until 1 year after the race settled
        25  365d00h00m00.090s  probe-5  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        26  365d00h00m00.095s  probe-5  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        26  365d00h00m00.095s  probe-5  provider answers { key: "de713291d314e804"…(64 chars) }
        26  365d00h00m00.095s  probe-5  fresh client, 1 year after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        26  365d00h00m00.095s  world    ── quiet: nothing happens until 2 years after the race settled
        27  730d00h00m00.090s  probe-6  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        28  730d00h00m00.095s  probe-6  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        28  730d00h00m00.095s  probe-6  provider answers { key: "de713291d314e804"…(64 chars) }
        28  730d00h00m00.095s  probe-6  fresh client, 2 years after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        28  730d00h00m00.095s  world    ── quiet: nothing happens until 5 years after the race settled
        29 1825d00h00m00.090s  probe-7  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        30 1825d00h00m00.095s  probe-7  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        30 1825d00h00m00.095s  probe-7  provider answers { key: "de713291d314e804"…(64 chars) }
        30 1825d00h00m00.095s  probe-7  fresh client, 5 years after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        30 1825d00h00m00.095s  world    ── quiet: nothing happens until 10 years after the race settled
        31 3650d00h00m00.090s  probe-8  calls provider({ documentId: "d1", keyHint: "key-2843ba9436a16640" })
        32 3650d00h00m00.095s  probe-8  keyStore.get("d1/key-2843ba9436a16640") → "de713291d314e80494471298b99920c7d48221d… (66 chars)
        32 3650d00h00m00.095s  probe-8  provider answers { key: "de713291d314e804"…(64 chars) }
        32 3650d00h00m00.095s  probe-8  fresh client, 10 years after the race, asks for d1's keyHint "key-2843ba9436a16640": gets "de713291d314e804"…(64 chars)
        32 3650d00h00m00.095s  world    ── done: every retention probe ran
      ✓ every property held"
    `);
  });
});
