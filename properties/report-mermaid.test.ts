// The Mermaid diagram parses with Mermaid's own parser, whatever strings a provider puts in keys, hints,
// errors and key-store values.
import fc from 'fast-check';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import type { TraceRecord } from '../src/model/observations.ts';
import type { ProviderEnv, ProviderRequest } from '../src/providers/types.ts';
import { sourceFromFactory } from '../src/providers/source.ts';
import { escapeMermaidText, renderMermaid } from '../src/report/mermaid.ts';
import { simulate, type RunOutcome } from '../src/simulate.ts';

/** Strings a hostile or careless provider could produce: Mermaid syntax, entities, fences, line breaks, lone surrogates. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc
    .array(
      fc.constantFrom(';', '#', '#59;', '#quot;', '"', "'", '\n', '\r\n', '\r', '\u2028', '`', '```', '%%', '%%{init: {"theme":"dark"}}%%', '<br>', '</script>', '$$x$$',
        'end', 'Note over c1: x', 'participant x', '->>', '-->>', ':', 'wrap:', '\\', '&amp;', '\u0000', '\ud800', '\udfff', '🔑', 'é', '\u200b', '\ufeff', '{', '}', 'rect rgb(0,0,0)'),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('')),
);

const actorName = fc.constantFrom('c1', 'c2', 'server', 'probe-1', 'world', 'network');

/** A trace of every record kind, with hostile strings wherever the model passes a user's string along. */
const hostileTrace = fc
  .record({ key: hostileText, hint: hostileText, value: hostileText, message: hostileText, text: hostileText, actor: actorName, documentId: hostileText })
  .map(({ key, hint, value, message, text, actor, documentId }): TraceRecord[] => {
    const stamp = (step: number) => ({ step, timeMs: step * 7 });
    return [
      { kind: 'arrive', actor: 'c1', documentId, ...stamp(1) },
      { kind: 'deliver', actor: 'server', from: 'c1', message: { type: 'requestSession', documentId }, ...stamp(2) },
      { kind: 'deliver', actor: 'c2', from: 'server', message: { type: 'newSessionAvailable', documentId, keyHint: hint }, ...stamp(2) },
      { kind: 'provider-call', actor: 'c1', documentId, keyHint: hint, attempt: 2, ...stamp(3) },
      { kind: 'provider-answer', actor: 'c1', documentId, requestedHint: null, key, keyHint: hint, hintGiven: true, ...stamp(3) },
      { kind: 'provider-failure', actor: 'c2', documentId, requestedHint: hint, failure: 'rejected', message, ...stamp(4) },
      { kind: 'provider-contract', actor: 'c2', problem: message, ...stamp(4) },
      { kind: 'store', actor: 'probe-1', operation: 'set', key: `${documentId}/${hint}`, value, result: text, ...stamp(5) },
      { kind: 'session', actor: 'server', documentId, status: 'pending', owner: 'c1', keyHint: hint, ...stamp(6) },
      { kind: 'state', actor: 'c1', documentId, state: 'collaborating', waitingFor: { kind: 'nothing' }, key, content: value, ...stamp(6) },
      { kind: 'state', actor: 'c2', documentId, state: 'joining', waitingFor: { kind: 'provider-answer', keyHint: text }, ...stamp(6) },
      { kind: 'state', actor: 'c2', documentId, state: 'failed', failure: { kind: 'provider-gave-up', reason: message }, ...stamp(6) },
      { kind: 'console', actor, level: 'log', text, ...stamp(7) },
      { kind: 'fault', actor, fault: text, detail: message, ...stamp(7) },
      { kind: 'phase', actor: 'world', phase: text, detail: message, ...stamp(8) },
      { kind: 'probe', actor: 'probe-1', documentId, keyHint: hint, expectedKey: key, failure: message, ...stamp(9) },
      { kind: 'liveness-deadline', actor: 'world', clients: [{ client: 'c2', state: 'joining', waitingFor: { kind: 'provider-answer', keyHint: text } }], ...stamp(10) },
      { kind: 'stalled', actor: 'world', clients: [{ client: 'c2', state: 'disconnected', waitingFor: { kind: 'reconnection', cause: { kind: 'jwt', problem: message } } }], ...stamp(11) },
    ] as TraceRecord[];
  });

const hostileOutcome = fc.record({ message: hostileText, actor: actorName }).map(
  ({ message, actor }): RunOutcome => ({
    kind: 'violation',
    violation: { kind: 'contract-broken', client: actor, whose: 'provider', problem: message, property: 'provider-contract', message, actor, step: 10, timeMs: 70 },
  }),
);

/** Parses with Mermaid's parser; resolves to the error message, or undefined when it parsed. */
async function parseProblem(text: string): Promise<string | undefined> {
  try {
    await mermaid.parse(text);
    return undefined;
  } catch (error) {
    return `${(error as Error).message}\n--- diagram ---\n${text}`;
  }
}

describe('Mermaid sequence diagrams', () => {
  it('escapeMermaidText leaves only characters that mean nothing to Mermaid, and keeps readable text readable', () => {
    expect(escapeMermaidText('get("d1/key-1") → undefined')).toBe('get("d1/key-1") → undefined');
    expect(escapeMermaidText('a;b#c\nd`e<f>')).toBe('a#59;b#35;c#10;d#96;e#60;f#62;');
    fc.assert(
      fc.property(hostileText, (text) => {
        const withoutEntities = escapeMermaidText(text).replace(/#\d+;/g, '');
        expect(withoutEntities).not.toMatch(/[#;\n\r`<>$%\\\u2028\u2029]/);
      }),
      { numRuns: 500 },
    );
  });

  it('a trace with hostile keys, hints, errors and values still gives a diagram that parses', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTrace, hostileOutcome, async (trace, outcome) => {
        const text = renderMermaid(trace, outcome);
        expect(text).not.toContain('`');
        expect(await parseProblem(text)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('a real run of a provider handing out hostile keys and hints gives a diagram that parses', async () => {
    const wellFormed = hostileText.filter((text) => text.isWellFormed() && text.length > 0 && [...text].length <= 256);
    await fc.assert(
      fc.asyncProperty(wellFormed, wellFormed, hostileText, fc.integer({ min: 1, max: 10_000 }), async (key, hint, error, seed) => {
        const createProvider = (env: ProviderEnv) => async ({ documentId, keyHint }: ProviderRequest) => {
          if (keyHint === null) {
            await env.keyStore.set(`${documentId}/${hint}`, key);
            return { key, keyHint: hint };
          }
          const stored = await env.keyStore.get(`${documentId}/${keyHint}`);
          if (stored === undefined) throw new Error(error);
          return { key: stored };
        };
        const result = await simulate({ config: drawConfig(seed, { clients: 2 }), source: sourceFromFactory(createProvider), record: true });
        expect(await parseProblem(renderMermaid(result.trace ?? [], result.outcome))).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});
