import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { repositoryRoot } from './cli-support.ts';

/** Runs `rtc-sim examples` in-process and returns its exit code and printed lines. */
async function examples(argv: readonly string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(['examples', ...argv], { out: (line) => lines.push(line), err: (line) => lines.push(line), colour: false, cwd: repositoryRoot });
  return { code, out: lines.join('\n') };
}

describe('rtc-sim examples spreads the examples over threads', () => {
  it('prints the same table with one thread and with three', async () => {
    const alone = await examples(['examples/providers', '--runs', '100', '--workers', '1']);
    const spread = await examples(['examples/providers', '--runs', '100', '--workers', '3']);
    expect(spread).toEqual(alone);
    // Some rows fail and some pass, so the table would show a mix-up between examples.
    expect(alone.out).toMatch(/ pass +pass /);
    expect(alone.out).toMatch(/ fail +fail /);
  });

  it("runs a stack's backends in pool threads as in this one (a stack folder given alone)", async () => {
    const alone = await examples(['examples/stacks/pglite-raw-sql', '--runs', '6', '--workers', '1']);
    const spread = await examples(['examples/stacks/pglite-raw-sql', '--runs', '6', '--workers', '2']);
    expect(spread).toEqual(alone);
    expect(alone.out).toContain('examples/stacks/pglite-raw-sql/good-backend.ts');
  });
});
