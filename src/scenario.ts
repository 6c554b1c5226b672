import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PropertyName } from './check/violation.ts';
import type { ConfigPins } from './config/run-config.ts';
import { exactClocks, noFaults } from './config/fault-plan.ts';
import { drawConfig } from './config/swarm.ts';
import { fail, ok, type Result } from './errors.ts';
import { loadProviderSource } from './load-provider-source.ts';
import { settingsFor } from './providers/source.ts';
import { importTypeScript } from './import-typescript.ts';
import { packageRoot } from './package-root.ts';
import { simulate, type SimulationResult } from './simulate.ts';

/** A scripted scenario: a story, a provider, a pinned world, and how it must end. */
export interface Scenario {
  /** The story in numbered steps, as the seeds tell it. */
  readonly story: readonly string[];
  /** The provider module, relative to the package root. */
  readonly provider: string;
  /** A token provider module (with JWT authentication), relative to the package root; default: the built-in. */
  readonly tokenProvider?: string;
  /** The integrator's backend module the provider's fetch reaches, relative to the package root; default: none. */
  readonly backend?: string;
  readonly seed: number;
  readonly pins: ConfigPins;
  /** `pass`, or the property the scenario must violate. */
  readonly expected: 'pass' | PropertyName;
}


/** Loads `scenarios/<name>.ts`; the name must be a plain scenario name. */
export async function loadScenario(name: string): Promise<Result<Scenario>> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    return fail({ kind: 'scenario-not-found', name, message: `a scenario name is lower-case letters, digits and dashes: ${JSON.stringify(name)}` });
  }
  const file = `${packageRoot}scenarios/${name}.ts`;
  if (!existsSync(file)) return fail({ kind: 'scenario-not-found', name, message: `no scenario named ${name} (looked for ${file})` });
  const module = (await importTypeScript(pathToFileURL(file).href)) as { scenario?: Scenario };
  if (module.scenario === undefined) return fail({ kind: 'file-invalid', path: file, message: `${file} does not export a scenario` });
  return ok(module.scenario);
}

/** Runs a scenario with its full trace. */
export async function runScenario(scenario: Scenario): Promise<Result<SimulationResult>> {
  const fromRoot = (path: string | undefined): string | undefined => (path === undefined ? undefined : `${packageRoot}${path}`);
  const loaded = await loadProviderSource(`${packageRoot}${scenario.provider}`, fromRoot(scenario.tokenProvider), fromRoot(scenario.backend));
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  // A scenario's world is what its script says: one document, no faults or clock skew unless it pins them.
  const config = drawConfig(scenario.seed, settingsFor({ documents: 1, documentSpread: 'even', faults: noFaults, clocks: exactClocks, ...scenario.pins }, source));
  return ok(await simulate({ config, source, record: true }));
}

/** How a scenario run ended, in the terms of its `expected` field. */
export function scenarioEnding(result: SimulationResult): string {
  if (result.outcome.kind === 'pass') return 'pass';
  if (result.outcome.kind === 'violation') return result.outcome.violation.property;
  return result.outcome.kind;
}
