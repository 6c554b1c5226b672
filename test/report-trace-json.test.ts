import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayCounterexample } from '../src/explore/shrink.ts';
import { sweep } from '../src/explore/sweep.ts';
import { stringifyTraceJson, toTraceJson, traceSchema } from '../src/report/trace-json.ts';
import { exampleSource } from '../properties/support.ts';

const sourceText = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const schemaDocument = sourceText('docs/trace-schema.md');

describe('the trace JSON (rtc-sim-trace, version 1)', () => {
  it('holds the module, config, outcome, decisions and every record with its stamp first', async () => {
    const source = await exampleSource('buggy-unawaited-write.ts');
    const failure = (await sweep({ source, runs: 500, seed: 1, pins: {} })).failure;
    if (failure === undefined) throw new Error('the buggy example was not caught');
    const rerun = await replayCounterexample(source, failure.config, failure.replayed.decisions ?? []);
    const document = toTraceJson({ module: 'buggy-unawaited-write.ts', result: rerun.result, defaults: rerun.decisions });
    expect(document).toMatchObject({ ...traceSchema, module: 'buggy-unawaited-write.ts', config: failure.config, outcome: failure.replayed.outcome });
    expect(document.events).toEqual(rerun.result.trace);
    for (const event of document.events) expect(Object.keys(event).slice(0, 4)).toEqual(['step', 'timeMs', 'actor', 'kind']);
    expect(document.decisions.map((decision) => decision.event)).toEqual(rerun.result.decisions);
    expect(document.decisions.map((decision) => decision.chosen === 'forced')).toEqual(rerun.decisions.map((decision) => decision !== null));
    expect(document.decisions.map((decision) => decision.step)).toEqual(document.decisions.map((_, index) => index));
  });

  it('as text, one event a line, and it parses back to the same document', async () => {
    const source = await exampleSource('buggy-new-key-every-call.ts');
    const failure = (await sweep({ source, runs: 100, seed: 1, pins: {} })).failure;
    if (failure === undefined) throw new Error('the buggy example was not caught');
    const document = toTraceJson({ module: 'm.ts', result: failure.replayed });
    const text = stringifyTraceJson(document);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(document)));
    const eventLines = text.split('\n').filter((line) => line.startsWith('    {"step":'));
    expect(eventLines).toHaveLength(document.events.length);
    expect(document.decisions.every((decision) => decision.chosen === 'unknown')).toBe(true);
  });

  it('docs/trace-schema.md describes every record kind and every message type the model has', () => {
    const kinds = [...sourceText('src/model/observations.ts').matchAll(/kind: '([a-z-]+)'/g)].map((match) => match[1]);
    const messageTypes = [...`${sourceText('src/model/messages.ts')}${sourceText('src/model/http-messages.ts')}`.matchAll(/type: '([A-Za-z-]+)'/g)].map((match) => match[1]);
    expect(kinds.length).toBeGreaterThan(10);
    expect(messageTypes.length).toBeGreaterThan(8);
    for (const kind of kinds) expect(schemaDocument, `kind ${kind}`).toContain(`### \`${kind}\``);
    for (const type of messageTypes) expect(schemaDocument, `message ${type}`).toContain(`\`${type}\``);
    expect(schemaDocument).toContain(`\`${traceSchema.schema}\``);
    expect(schemaDocument).toContain(`version ${traceSchema.version}`);
  });
});
