import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDecisionFile } from '../src/explore/decision-file.ts';
import { replayStrategy, type ReplayDrift } from '../src/explore/replay-strategy.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule } from '../src/providers/source.ts';
import { simulate } from '../src/simulate.ts';

const folder = fileURLToPath(new URL('./regressions/', import.meta.url));
const root = fileURLToPath(new URL('../', import.meta.url));
const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();

describe('saved regressions replay as recorded', () => {
  it('the folder holds regressions', () => expect(files.length).toBeGreaterThanOrEqual(3));

  for (const name of files) {
    it(`${name} still breaks its property, following every recorded decision`, async () => {
      const file = readDecisionFile(`${folder}${name}`);
      if (!file.ok) throw new Error(file.error.message);
      const compiled = await loadProviderModule(`${root}${file.value.module}`);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const drift: ReplayDrift = { missed: 0, firstMissedStep: undefined };
      const keys = file.value.decisions.map((decision) => decision.event);
      const result = await simulate({ config: file.value.config, source: sourceFromModule(compiled.value), record: true, strategy: replayStrategy(keys, drift) });
      expect(drift.missed).toBe(0);
      expect(result.decisions).toEqual(keys);
      expect(result.outcome.kind === 'violation' && result.outcome.violation.property).toBe(file.value.property);
      expect(result.outcome.kind === 'violation' && result.outcome.violation.message).toBe(file.value.message);
    });
  }
});
