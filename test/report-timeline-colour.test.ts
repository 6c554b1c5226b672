import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { repositoryRoot } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const buggy = 'examples/providers/buggy-unawaited-write.ts';
const failuresDir = temporaryFolder('rtc-sim-colour-');
const escape = '\u001b[';

async function check(colour: boolean): Promise<string[]> {
  const out: string[] = [];
  await main(['check', buggy, '--failures-dir', failuresDir], { out: (text) => out.push(text), err: () => {}, colour, cwd: repositoryRoot });
  return out.join('\n').split('\n');
}

describe('the text timeline highlights the violating record', () => {
  const original = { isTTY: process.stdout.isTTY, noColor: process.env['NO_COLOR'] };
  afterEach(() => {
    process.stdout.isTTY = original.isTTY;
    if (original.noColor === undefined) delete process.env['NO_COLOR'];
    else process.env['NO_COLOR'] = original.noColor;
  });

  it('with colours on, the record that broke the property is the one red line of the timeline', async () => {
    const lines = await check(true);
    const start = lines.findIndex((line) => line.startsWith('world:'));
    const outcome = lines.findIndex((line) => line.includes('hint-stability violated at step'));
    const red = lines.slice(start, outcome).filter((line) => line.includes(`${escape}31m`));
    expect(red).toHaveLength(1);
    expect(red[0]).toMatch(/provider answers \{ key: /);
    expect(red[0]).toContain(`${escape}1m`);
  });

  it('with colours off, the timeline is plain text', async () => {
    const lines = await check(false);
    expect(lines.join('\n')).not.toContain(escape);
    expect(lines.some((line) => /^\s+\d+\s+\S+\s+probe-1\s+provider answers/.test(line))).toBe(true);
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    process.stdout.isTTY = true;
    delete process.env['NO_COLOR'];
    expect(processIo().colour).toBe(true);
    process.env['NO_COLOR'] = '';
    expect(processIo().colour).toBe(false);
    delete process.env['NO_COLOR'];
    process.stdout.isTTY = false;
    expect(processIo().colour).toBe(false);
  });
});
