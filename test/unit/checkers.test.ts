import { describe, expect, it } from 'vitest';
import { createCheckers } from '../../src/check/checkers.ts';
import { agreement } from '../../src/check/properties/agreement.ts';
import { authorization } from '../../src/check/properties/authorization.ts';
import { contentIntegrity } from '../../src/check/properties/content-integrity.ts';
import { determinism } from '../../src/check/properties/determinism.ts';
import { hintStability } from '../../src/check/properties/hint-stability.ts';
import { liveness } from '../../src/check/properties/liveness.ts';
import { providerContract } from '../../src/check/properties/provider-contract.ts';
import { retention } from '../../src/check/properties/retention.ts';
import { singleSession } from '../../src/check/properties/single-session.ts';
import type { Observation } from '../../src/model/observations.ts';
import { answer, feed, gaveUp, session, stamp, state, verdict } from './support.ts';

const badKey = { kind: 'encryption', operation: 'open', keyHint: 'h1', reason: 'bad key' } as const;

const longKey = 'k'.repeat(30);

describe('createCheckers', () => {
  it('lists every property in reporting order, authorization only with authentication', () => {
    expect(createCheckers().map((checker) => checker.property)).toEqual([
      'determinism', 'provider-contract', 'single-session', 'hint-stability', 'agreement', 'content-integrity', 'retention', 'liveness',
    ]);
    expect(createCheckers(undefined, true).map((checker) => checker.property)).toEqual([
      'determinism', 'provider-contract', 'single-session', 'authorization', 'hint-stability', 'agreement', 'content-integrity', 'retention', 'liveness',
    ]);
  });

  it('keeps only the named properties, in reporting order', () => {
    expect(createCheckers(['liveness', 'agreement']).map((checker) => checker.property)).toEqual(['agreement', 'liveness']);
    expect(createCheckers(['authorization'], true).map((checker) => checker.property)).toEqual(['authorization']);
    expect(createCheckers([])).toEqual([]);
  });

  it('each checker names the record kinds it reads', () => {
    const kinds = Object.fromEntries(createCheckers(undefined, true).map((checker) => [checker.property, checker.kinds]));
    expect(kinds).toEqual({
      determinism: ['nondeterminism'],
      'provider-contract': ['provider-contract', 'backend'],
      'single-session': ['session'],
      authorization: ['auth', 'state', 'session', 'deliver'],
      'hint-stability': ['provider-answer'],
      agreement: ['provider-answer', 'session', 'state'],
      'content-integrity': ['provider-answer', 'session', 'state'],
      retention: ['probe'],
      liveness: ['provider-failure', 'provider-answer', 'state', 'liveness-deadline', 'stalled'],
    });
  });

  it('a checker handed a record of a kind it does not read says nothing about it', () => {
    const said = createCheckers(undefined, true).flatMap((checker) =>
      [session('c1', 'established'), answer('c1', 'k1', 'h1')].filter((record) => !checker.kinds.includes(record.kind)).map((record) => `${checker.property} ${record.kind}: ${String(checker.observe(stamp(record)))}`),
    );
    expect(said).toEqual(['determinism session: undefined', 'determinism provider-answer: undefined', 'provider-contract session: undefined', 'provider-contract provider-answer: undefined', 'single-session provider-answer: undefined', 'authorization provider-answer: undefined', 'hint-stability session: undefined', 'retention session: undefined', 'retention provider-answer: undefined', 'liveness session: undefined']);
  });
});

// c1 makes key k1 under hint h1, sends its create and wins d1.
const c1Wins: Observation[] = [answer('c1', 'k1', 'h1'), state('c1', 'create-sent', { key: 'k1', content: 'text of c1' }), session('c1', 'established')];

describe('agreement', () => {
  it('reports a client that cannot decrypt, naming the winner and its key', () => {
    const failed = state('c2', 'failed', { failure: badKey });
    expect(verdict(agreement(), [...c1Wins, failed])).toBe(`c2 cannot open d1: encryption: with the key its provider gave for hint "h1", bad key (the winner c1's key is "k1")`);
    expect(verdict(agreement(), [failed])).toBe('c2 cannot open d1: encryption: with the key its provider gave for hint "h1", bad key');
    expect(verdict(agreement(), [state('c2', 'failed', { failure: { kind: 'encryption', operation: 'seal', error: 'no' } })])).toBe('c2 cannot open d1: encryption: sealing the new session failed: no');
    expect(verdict(agreement(), [answer('c1', longKey, 'h1'), state('c1', 'create-sent', { key: longKey }), session('c1', 'established'), failed])).toBe(
      `c2 cannot open d1: encryption: with the key its provider gave for hint "h1", bad key (the winner c1's key is "kkkkkkkkkkkkkkkk"…(30 chars))`,
    );
  });

  it('ignores failures that are not about encryption, whatever their words', () => {
    expect(verdict(agreement(), [...c1Wins, state('c2', 'failed', { failure: gaveUp('its provider failed 4 times') })])).toBeUndefined();
    expect(verdict(agreement(), [...c1Wins, state('c2', 'failed', { failure: gaveUp('encryption: bad key') })])).toBeUndefined();
    expect(verdict(agreement(), [...c1Wins, state('c2', 'failed', { failure: { kind: 'module-not-created', module: 'provider', problem: 'encryption' } })])).toBeUndefined();
    expect(verdict(agreement(), [...c1Wins, state('c2', 'waiting')])).toBeUndefined();
  });

  it('reports a collaborator whose key is not the winner\'s', () => {
    expect(verdict(agreement(), [...c1Wins, state('c2', 'collaborating', { key: 'k2' })])).toBe(`c2 collaborates on d1 with key "k2", but the winner c1's key is "k1"`);
    expect(verdict(agreement(), [...c1Wins, state('c2', 'collaborating')])).toBe(`c2 collaborates on d1 with key "", but the winner c1's key is "k1"`);
  });

  it('accepts the winner\'s key, a collaborator without a winner, and records of other kinds', () => {
    expect(feed(agreement(), [...c1Wins, state('c2', 'collaborating', { key: 'k1' })])).toEqual([undefined, undefined, undefined, undefined]);
    expect(verdict(agreement(), [state('c2', 'collaborating', { key: 'k2' })])).toBeUndefined();
    expect(verdict(agreement(), [...c1Wins, state('c2', 'joining', { key: 'k2' })])).toBeUndefined();
  });
});

describe('the session book (through content-integrity)', () => {
  const collaborates = (content: string | undefined, actor = 'c2'): Observation => state(actor, 'collaborating', { key: 'k1', ...(content === undefined ? {} : { content }) });

  it('reports content other than the winner\'s, and accepts the winner\'s', () => {
    expect(verdict(contentIntegrity(), [...c1Wins, collaborates('other')])).toBe(`c2 sees "other" on d1, not the winner c1's "text of c1"`);
    expect(verdict(contentIntegrity(), [...c1Wins, collaborates('text of c1')])).toBeUndefined();
    expect(verdict(contentIntegrity(), [...c1Wins, collaborates(undefined)])).toBe(`c2 sees undefined on d1, not the winner c1's "text of c1"`);
  });

  it('reports a collaborator before any session was established', () => {
    expect(verdict(contentIntegrity(), [collaborates('x')])).toBe('c2 collaborates on d1 before any session was established');
    // Pending and released sessions make no winner.
    const pendingOnly = [answer('c1', 'k1', 'h1'), state('c1', 'create-sent', { key: 'k1', content: 'x' }), session('c1', 'pending'), session('c1', 'released')];
    expect(verdict(contentIntegrity(), [...pendingOnly, collaborates('x')])).toBe('c2 collaborates on d1 before any session was established');
    // An established session by a client that never sent a create is not a winner either.
    expect(verdict(contentIntegrity(), [session('c1', 'established'), collaborates('x')])).toBe('c2 collaborates on d1 before any session was established');
  });

  it('files a creation under the hint of the creator\'s last new-key answer', () => {
    // An answer to a requested hint does not change the creation hint.
    const records = [answer('c1', 'k1', 'h1'), answer('c1', 'kx', 'h9', 'h9'), state('c1', 'create-sent', { key: 'k1', content: 'x' }), session('c1', 'established', 'h9'), collaborates('x')];
    expect(verdict(contentIntegrity(), records)).toBe('c2 collaborates on d1 before any session was established');
    expect(verdict(contentIntegrity(), [...records.slice(0, 3), session('c1', 'established', 'h1'), collaborates('x')])).toBeUndefined();
  });

  it('files a creation with no answer seen under the empty hint, and missing content as empty', () => {
    const records = [state('c1', 'create-sent', { key: 'k1' }), session('c1', 'established', ''), collaborates('')];
    expect(verdict(contentIntegrity(), records)).toBeUndefined();
    expect(verdict(contentIntegrity(), [...records.slice(0, 2), collaborates(undefined)])).toBe(`c2 sees undefined on d1, not the winner c1's ""`);
  });

  it('ignores a create-sent without a key, and keeps creator and hint apart', () => {
    expect(verdict(contentIntegrity(), [answer('c1', 'k1', 'h1'), state('c1', 'create-sent'), session('c1', 'established'), collaborates('x')])).toBe(
      'c2 collaborates on d1 before any session was established',
    );
    // c1 with hint "2x" is not c12 with hint "x".
    expect(verdict(contentIntegrity(), [answer('c1', 'k1', '2x'), state('c1', 'create-sent', { key: 'k1', content: 'x' }), session('c12', 'established', 'x'), collaborates('x')])).toBe(
      'c2 collaborates on d1 before any session was established',
    );
  });

  it('files creations from create-sent states only, and hints from new-key answers only', () => {
    const failure: Observation = { kind: 'provider-failure', actor: 'c1', documentId: 'd1', requestedHint: null, failure: 'threw', message: 'x' };
    expect(verdict(contentIntegrity(), [answer('c1', 'k1', 'h1'), failure, state('c1', 'create-sent', { key: 'k1', content: 'x' }), session('c1', 'established'), collaborates('x')])).toBeUndefined();
    // A collaborating state carries a key and content too, but is no creation.
    expect(verdict(contentIntegrity(), [answer('c1', 'k1', 'h1'), state('c1', 'collaborating', { key: 'k9', content: 'x' }), session('c1', 'established'), collaborates('x')])).toBe(
      'c2 collaborates on d1 before any session was established',
    );
    // An answer to a requested hint, after the create, leaves the creation as it was.
    expect(verdict(contentIntegrity(), [...c1Wins.slice(0, 2), answer('c1', 'k1', 'h1', 'h1'), c1Wins[2]!, collaborates('text of c1')])).toBeUndefined();
  });

  it('reads only collaborating states', () => {
    expect(verdict(contentIntegrity(), [state('c2', 'joining', { content: 'x' })])).toBeUndefined();
    expect(verdict(contentIntegrity(), [answer('c2', 'k', 'h')])).toBeUndefined();
  });
});

describe('authorization', () => {
  const auth = (client: string, ok: boolean, extra: { role?: string; tokenDocument?: string; documentId?: string } = {}): Observation => {
    const { documentId = 'd1', ...rest } = extra;
    return { kind: 'auth', actor: 'server', client, documentId, ok, ...rest };
  };
  const deliver = (actor: string, type: string, from = 'server', documentId = 'd1'): Observation =>
    ({ kind: 'deliver', actor, from, message: { type, documentId } }) as Observation;

  it('reports session data sent to a client without a valid token', () => {
    for (const type of ['sessionExists', 'createAccepted', 'newSessionAvailable']) {
      expect(verdict(authorization(), [deliver('c1', type)])).toBe(`the server sent ${type} for d1 to c1, which presented no valid token on this connection`);
    }
    expect(verdict(authorization(), [auth('c1', false), deliver('c1', 'sessionExists')])).toBe(
      'the server sent sessionExists for d1 to c1, which presented no valid token on this connection',
    );
  });

  it('ignores messages that carry no session data (only the server sends those that do: their type says where they came from)', () => {
    expect(verdict(authorization(), [deliver('c1', 'noSession')])).toBeUndefined();
    expect(verdict(authorization(), [deliver('c1', 'sessionPending')])).toBeUndefined();
    expect(verdict(authorization(), [deliver('c1', 'createAccepted')])).toBeDefined();
  });

  it('admits a valid token until the connection ends', () => {
    expect(feed(authorization(), [auth('c1', true), deliver('c1', 'sessionExists')])).toEqual([undefined, undefined]);
    expect(verdict(authorization(), [auth('c1', true), state('c1', 'disconnected'), deliver('c1', 'sessionExists')])).toBe(
      'the server sent sessionExists for d1 to c1, which presented no valid token on this connection',
    );
    expect(verdict(authorization(), [auth('c1', true), state('c1', 'failed'), deliver('c1', 'sessionExists')])).toBe(
      'the server sent sessionExists for d1 to c1, which presented no valid token on this connection',
    );
    expect(verdict(authorization(), [auth('c1', true), state('c1', 'waiting'), deliver('c1', 'sessionExists')])).toBeUndefined();
    expect(verdict(authorization(), [auth('c2', true), deliver('c1', 'sessionExists')])).toBe(
      'the server sent sessionExists for d1 to c1, which presented no valid token on this connection',
    );
  });

  it('reports a token limited to another document', () => {
    expect(verdict(authorization(), [auth('c1', true, { tokenDocument: 'd2' }), deliver('c1', 'createAccepted')])).toBe(`c1's token is limited to d2, yet it was given d1`);
    expect(verdict(authorization(), [auth('c1', true, { tokenDocument: 'd1' }), deliver('c1', 'createAccepted')])).toBeUndefined();
  });

  it('reports a viewer whose session is pending or established, not one released', () => {
    const viewer = auth('c1', true, { role: 'viewer' });
    expect(verdict(authorization(), [viewer, session('c1', 'pending')])).toBe('c1, admitted as a viewer, wrote: its session for d1 is pending');
    expect(verdict(authorization(), [viewer, session('c1', 'established')])).toBe('c1, admitted as a viewer, wrote: its session for d1 is established');
    expect(verdict(authorization(), [viewer, session('c1', 'released')])).toBeUndefined();
    expect(verdict(authorization(), [auth('c1', true, { role: 'editor' }), session('c1', 'established')])).toBeUndefined();
    // An admission without a role is an editor's.
    expect(verdict(authorization(), [auth('c1', true), session('c1', 'established')])).toBeUndefined();
    expect(verdict(authorization(), [viewer, session('c2', 'established')])).toBeUndefined();
  });
});

describe('determinism', () => {
  it('names the client, or says none could be named', () => {
    const finding = (actor: string): Observation => ({ kind: 'nondeterminism', actor, api: 'setTimeout', detail: 'a real timer' });
    expect(verdict(determinism(), [finding('c2')])).toBe(`c2's provider called setTimeout: a real timer`);
    expect(verdict(determinism(), [finding('world')])).toBe('provider code (no client could be named) called setTimeout: a real timer');
    expect(verdict(determinism(), [state('c1', 'failed')])).toBeUndefined();
  });
});

describe('hint-stability', () => {
  it('reports two keys for one document and hint, naming both providers', () => {
    expect(feed(hintStability(), [answer('c1', 'k1', 'h1'), answer('c2', 'k2', 'h1')])).toEqual([undefined, `for d1 and keyHint "h1", c1's provider answered key "k1" but c2's answered "k2"`]);
    expect(verdict(hintStability(), [answer('c1', 'k1', 'h1'), answer('c2', 'k1', 'h1'), answer('c3', longKey, 'h1')])).toBe(
      `for d1 and keyHint "h1", c1's provider answered key "k1" but c3's answered "kkkkkkkkkkkkkkkk"…(30 chars)`,
    );
  });

  it('files requested keys under the hint asked for', () => {
    expect(verdict(hintStability(), [answer('c1', 'k1', 'h1'), answer('c2', 'k2', 'other', 'h1')])).toBe(`for d1 and keyHint "h1", c1's provider answered key "k1" but c2's answered "k2"`);
    expect(verdict(hintStability(), [answer('c1', 'k1', 'h1'), answer('c2', 'k2', 'h1', 'h2')])).toBeUndefined();
  });

  it('keeps documents and hints apart', () => {
    expect(verdict(hintStability(), [answer('c1', 'k1', 'h1'), answer('c2', 'k2', 'h1', null, 'd2')])).toBeUndefined();
    expect(verdict(hintStability(), [answer('c1', 'k1', '2x', null, 'd1'), answer('c2', 'k2', 'x', null, 'd12')])).toBeUndefined();
    expect(verdict(hintStability(), [state('c1', 'failed')])).toBeUndefined();
  });
});

describe('liveness', () => {
  it('reports a client that gave up for a reason other than encryption', () => {
    expect(verdict(liveness(), [state('c1', 'failed', { failure: gaveUp('its provider failed 4 times') })])).toBe('c1 gave up on d1: its provider failed 4 times');
    expect(verdict(liveness(), [state('c1', 'failed', { failure: gaveUp('encryption: words alone decide nothing') })])).toBe('c1 gave up on d1: encryption: words alone decide nothing');
    expect(verdict(liveness(), [state('c1', 'failed', { failure: { kind: 'module-not-created', module: 'token provider', problem: 'no export' } })])).toBe(
      'c1 gave up on d1: its token provider could not be created: no export',
    );
    expect(verdict(liveness(), [state('c1', 'failed', { failure: badKey })])).toBeUndefined();
    expect(verdict(liveness(), [state('c1', 'waiting')])).toBeUndefined();
  });

  it('lists every client still waiting at the deadline', () => {
    const deadline: Observation = {
      kind: 'liveness-deadline',
      actor: 'world',
      clients: [
        { client: 'c1', state: 'waiting', waitingFor: { kind: 'announcement', after: 'create-rejected' } },
        { client: 'c2', state: 'joining', waitingFor: { kind: 'provider-answer', keyHint: 'h1' } },
      ],
    };
    expect(verdict(liveness(), [deadline])).toBe(
      'not every client was collaborating by the liveness deadline: c1 (waiting) waits for newSessionAvailable (its create was rejected); c2 (joining) waits for its provider to answer keyHint "h1"',
    );
    expect(verdict(liveness(), [{ kind: 'liveness-deadline', actor: 'world', clients: [] }])).toBeUndefined();
  });

  it('decides a stalled world: who still waits, or the probe that never completed', () => {
    const waiting = [{ client: 'c2', state: 'disconnected', waitingFor: { kind: 'reconnection', cause: { kind: 'jwt', problem: 'expired' } } }] as const;
    expect(verdict(liveness(), [{ kind: 'stalled', actor: 'world', clients: waiting }])).toBe(
      'nothing was left to happen but the run had not finished: c2 (disconnected) waits for its reconnection (rtc_server_disconnected reason "jwt": expired)',
    );
    expect(verdict(liveness(), [{ kind: 'stalled', actor: 'world', clients: [] }])).toBe('nothing was left to happen but the run had not finished (a retention probe never completed)');
  });
});

describe('provider-contract', () => {
  it('reports the problem with the client', () => {
    expect(verdict(providerContract(), [{ kind: 'provider-contract', actor: 'c3', problem: 'key must be a string' }])).toBe(`c3's provider broke the contract: key must be a string`);
    expect(verdict(providerContract(), [state('c1', 'failed')])).toBeUndefined();
  });

  it('reports a backend module that could not start, and not a request it failed (a 500 is judged by its consequences)', () => {
    expect(verdict(providerContract(), [{ kind: 'backend', actor: 'backend', event: 'contract', problem: 'creation-threw', detail: 'createBackend(env) threw Error: no DATABASE_URL' }])).toBe(
      'the backend module broke its contract: createBackend(env) threw Error: no DATABASE_URL',
    );
    expect(verdict(providerContract(), [{ kind: 'backend', actor: 'backend', event: 'problem', problem: 'handler-threw', detail: 'the backend threw while serving GET /x' }])).toBeUndefined();
  });
});

describe('retention', () => {
  const dayMs = 24 * 60 * 60 * 1000;
  const probe = (actor: string, outcome: { key?: string; failure?: string }, expectedKey = 'k1', horizonMs = actor === 'probe-1' ? 0 : 31 * dayMs): Observation => ({
    kind: 'probe',
    actor,
    horizonMs,
    documentId: 'd1',
    keyHint: 'h1',
    expectedKey,
    ...outcome,
  });

  it('reports a probe that could not get the key, saying which document and which horizon', () => {
    expect(verdict(retention(), [probe('probe-1', { failure: 'no key' })])).toBe('a fresh browser (probe-1) opening d1 right after the race could not get the key for keyHint "h1": no key');
    expect(verdict(retention(), [probe('probe-4', { failure: '404' })])).toBe('a fresh browser (probe-4) opening d1 31 days later could not get the key for keyHint "h1": 404');
    expect(verdict(retention(), [probe('probe-5', { failure: '404' }, 'k1', 365 * dayMs)])).toBe('a fresh browser (probe-5) opening d1 1 year later could not get the key for keyHint "h1": 404');
  });

  it('reports a wrong key, and accepts the right one', () => {
    expect(verdict(retention(), [probe('probe-2', { key: 'k2' }, 'k1', 10 * 60 * 1000)])).toBe('a fresh browser (probe-2) opening d1 10 minutes later got key "k2" for keyHint "h1", but the session was made with "k1"');
    expect(verdict(retention(), [probe('probe-1', {}, longKey)])).toBe(
      'a fresh browser (probe-1) opening d1 right after the race got key "" for keyHint "h1", but the session was made with "kkkkkkkkkkkkkkkk"…(30 chars)',
    );
    expect(verdict(retention(), [probe('probe-1', { key: 'k1' })])).toBeUndefined();
    expect(verdict(retention(), [state('c1', 'failed')])).toBeUndefined();
  });
});

describe('single-session', () => {
  it('reports a second established session for a document', () => {
    expect(feed(singleSession(), [session('c1', 'established'), session('c2', 'established'), session('c3', 'established')])).toEqual([
      undefined,
      `d1 has two established sessions: c1's and c2's`,
      `d1 has two established sessions: c1's and c3's`,
    ]);
  });

  it('counts only established sessions, per document', () => {
    expect(verdict(singleSession(), [session('c1', 'pending'), session('c2', 'established')])).toBeUndefined();
    expect(verdict(singleSession(), [session('c1', 'released'), session('c2', 'established')])).toBeUndefined();
    expect(verdict(singleSession(), [session('c1', 'established', 'h', 'd1'), session('c2', 'established', 'h', 'd2')])).toBeUndefined();
    expect(verdict(singleSession(), [state('c1', 'collaborating')])).toBeUndefined();
  });
});
