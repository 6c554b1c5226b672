// `check --out` for every bundled buggy example: the trace JSON, the Mermaid diagram (parsed by Mermaid) and
// the HTML report, and a nearest passing run a handful of decisions away — or an honest "none".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { buggyExamples } from '../properties/support.ts';
import { runCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const out = temporaryFolder('rtc-sim-out-');

interface CheckJson {
  readonly verdict: string;
  readonly failure: { readonly property: string; readonly nearestPass: readonly string[]; readonly reports: { traceJson: string; mermaid: string; html: string } };
}

describe('check --out and the nearest passing run, for every bundled buggy example', () => {
  it.each(buggyExamples)('%s: writes trace JSON, Mermaid and HTML, and names at most 5 decisions that flip the verdict', async (name) => {
    const check = await runCli(['check', `examples/providers/${name}`, '--out', out, '--failures-dir', out, '--json']);
    expect(check.code).toBe(1);
    const { failure } = JSON.parse(check.out) as CheckJson;
    const { traceJson, mermaid: diagramPath, html } = failure.reports;
    expect([traceJson, diagramPath, html].every((path) => existsSync(path))).toBe(true);
    expect(traceJson).toMatch(new RegExp(`${name.replace(/\.ts$/, '')}-seed-\\d+\\.trace\\.json$`));

    const trace = JSON.parse(readFileSync(traceJson, 'utf8')) as { schema: string; version: number; outcome: { kind: string; violation: { property: string } }; events: unknown[] };
    expect(trace).toMatchObject({ schema: 'rtc-sim-trace', version: 2, outcome: { kind: 'violation', violation: { property: failure.property } } });
    expect(trace.events.length).toBeGreaterThan(0);
    await expect(mermaid.parse(readFileSync(diagramPath, 'utf8'))).resolves.toMatchObject({ diagramType: 'sequence' });
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    // The configuration's page origin is text in a table cell, not a resource the page loads.
    expect(page.replace(/<tr><th>origin<\/th><td>[^<]*<\/td><\/tr>/, '')).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);

    const [headline] = failure.nearestPass;
    const found = /^nearest passing run: (\d+) scheduling decisions? away/.exec(headline ?? '');
    if (found === null) expect(headline).toMatch(/^nearest passing run: none — /);
    else expect(Number(found[1])).toBeLessThanOrEqual(5);
  });

  it('--format mermaid prints the diagram in place of the timeline, with the nearest passing run under it', async () => {
    const check = await runCli(['check', 'examples/providers/buggy-unawaited-write.ts', '--format', 'mermaid', '--failures-dir', out]);
    expect(check.code).toBe(1);
    const lines = check.out.split('\n');
    const start = lines.indexOf('sequenceDiagram');
    const end = lines.findIndex((line, index) => index > start && line === '');
    expect(start).toBeGreaterThan(0);
    await expect(mermaid.parse(lines.slice(start, end).join('\n'))).resolves.toBeTruthy();
    expect(check.out).not.toMatch(/^\s+\d+\s+\S+\s+c1\s+opens d1$/m);
    expect(check.out).toMatch(/^nearest passing run: 1 scheduling decision away/m);
    expect(check.out).toMatch(/^  in words: when .* before .*, hint-stability breaks; the other way round, every property holds$/m);
    expect((await runCli(['check', 'examples/providers/buggy-unawaited-write.ts', '--format', 'svg'])).code).toBe(2);
  });
});
