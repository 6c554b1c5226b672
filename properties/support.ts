import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProviderModule } from '../src/providers/loader.ts';
import { sourceFromModule, type ProviderSource } from '../src/providers/source.ts';
import type { SimulationResult } from '../src/simulate.ts';

/** The bundled example providers folder. */
export const examplesDirectory = fileURLToPath(new URL('../examples/providers/', import.meta.url));

/** File names of the bundled examples that must pass, and of those that must be caught. */
export const goodExamples = readdirSync(examplesDirectory).filter((name) => name.startsWith('good-')).sort();
export const buggyExamples = readdirSync(examplesDirectory).filter((name) => name.startsWith('buggy-')).sort();

/** Loads a provider module file as a source, failing loudly on input errors. */
export async function moduleSource(path: string): Promise<ProviderSource> {
  const compiled = await loadProviderModule(path);
  if (!compiled.ok) throw new Error(compiled.error.message);
  return sourceFromModule(compiled.value);
}

/** Loads a bundled example by file name. */
export function exampleSource(name: string): Promise<ProviderSource> {
  return moduleSource(`${examplesDirectory}${name}`);
}

/** A fixture module under properties/fixtures/. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** The SHA-256 of a run's trace and decisions: equal hashes mean byte-identical runs. */
export function traceHash(result: SimulationResult): string {
  return createHash('sha256')
    .update(JSON.stringify(result.trace))
    .update(JSON.stringify(result.decisions))
    .update(JSON.stringify(result.outcome))
    .digest('hex');
}
