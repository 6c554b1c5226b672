import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { configPinsSchema } from '../config/config-schema.ts';
import { originProblem } from '../config/origin.ts';
import type { KeyStoreConsistency } from '../config/fault-plan.ts';
import { strategyNames, type BalancerPolicy, type ConfigPins, type FaultMode, type StrategyName, type SwarmSettings } from '../config/run-config.ts';
import { backendInstancesMax, balancerPolicies } from '../config/schema-parts.ts';
import type { Result } from '../errors.ts';
import type { TimeAndRandom } from '../providers/nondeterminism.ts';
import { readJsonFile } from '../json-file.ts';

/** A commander parser for a whole number within [min, max]; the error names the accepted range. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const parsed = Number(trimmed);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

/** What `--strategy` accepts: a per-run strategy, the default portfolio, or exhaustive search. */
export type StrategyChoice = StrategyName | 'portfolio' | 'exhaustive';

const strategyChoices: readonly StrategyChoice[] = ['portfolio', ...strategyNames, 'exhaustive'];

/** A commander parser for a strategy name. */
export function strategyName(value: string): StrategyChoice {
  if (!(strategyChoices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${strategyChoices.join(', ')}.`);
  }
  return value as StrategyChoice;
}

/** A commander parser for `--origin`: a page origin, as the config schema accepts it. */
export function pageOrigin(value: string): string {
  const problem = originProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

/** The replica lag of `--consistency eventual` when no `:lagMs` is given. */
export const eventualLagMsDefault = 500;

/**
 * What `--consistency` (and `checkProvider`'s `consistency`) accepts: `strong`, `eventual` or `eventual:lagMs`;
 * the key store's consistency as the config field `keyStoreConsistency` holds it, or the problem in words.
 */
export function keyStoreConsistency(value: string): { readonly ok: true; readonly value: KeyStoreConsistency } | { readonly ok: false; readonly problem: string } {
  const match = /^(strong|eventual)(?::(\d+))?$/.exec(value.trim());
  const lagMs = match?.[2] === undefined ? undefined : Number(match[2]);
  if (match === null || (match[1] === 'strong' && lagMs !== undefined) || (lagMs !== undefined && lagMs > 10 ** 12)) {
    return { ok: false, problem: `expected strong, eventual or eventual:lagMs (a replica lag in whole milliseconds), got ${JSON.stringify(value)}` };
  }
  return { ok: true, value: match[1] === 'strong' ? { mode: 'strong', lagMs: 0 } : { mode: 'eventual', lagMs: lagMs ?? eventualLagMsDefault } };
}

/** A commander parser for `--consistency strong|eventual[:lagMs]`. */
export function consistencyOption(value: string): KeyStoreConsistency {
  const parsed = keyStoreConsistency(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}.`);
  return parsed.value;
}

/** The flag word of a key store's consistency, as `--consistency` takes it. */
export function consistencyWord(consistency: KeyStoreConsistency): string {
  return consistency.mode === 'strong' ? 'strong' : `eventual:${consistency.lagMs}`;
}

/** A client or document count, or a range `A-B` the swarm draws each seed's count from. */
export type CountOrRange = number | { readonly min: number; readonly max: number };

/** A commander parser for `--clients N` or `--clients A-B` (and the same for `--documents`). */
export function countOrRange(value: string): CountOrRange {
  return countOrRangeWithin(value, 100_000);
}

function countOrRangeWithin(value: string, largest: number): CountOrRange {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
  const single = wholeNumber(1, largest);
  if (range === null) return single(value);
  const min = single(range[1] ?? '');
  const max = single(range[2] ?? '');
  if (min > max) throw new InvalidArgumentError(`a range A-B needs A ≤ B, got ${min}-${max}.`);
  return { min, max };
}

/** A commander parser for `--backend-instances N` or `A-B` (1 to 8). */
export function instancesOrRange(value: string): CountOrRange {
  return countOrRangeWithin(value, backendInstancesMax);
}

/** A commander parser for `--balancer round-robin|random|sticky`. */
export function balancerOption(value: string): BalancerPolicy {
  const policy = balancerPolicies.find((name) => name === value);
  if (policy === undefined) throw new InvalidArgumentError(`expected one of ${balancerPolicies.join(', ')}, got ${JSON.stringify(value)}.`);
  return policy;
}

/** Reads a `--config` file of pinned fields; every problem names the field. */
export function readConfigPins(path: string, cwd: string): Result<ConfigPins> {
  return readJsonFile(resolve(cwd, path), configPinsSchema, 'config file');
}

/** The options that shape the simulated world, shared by check and replay. */
export interface WorldOptions {
  readonly clients?: CountOrRange;
  readonly config?: string;
  readonly documents?: CountOrRange;
  readonly strategy?: StrategyChoice;
  readonly depth?: number;
  readonly faults?: FaultMode;
  readonly crypto?: 'symbolic' | 'real';
  readonly timeAndRandom?: TimeAndRandom;
  readonly auth?: 'none' | 'jwt';
  readonly leeway?: number;
  /** A token provider module, for JWT authentication (implies `--auth jwt`). */
  readonly tokenProvider?: string;
  /** The integrator's backend module: the providers' fetch reaches it. */
  readonly backend?: string;
  /** How many instances of it run behind the load balancer, or the range each seed draws from. */
  readonly backendInstances?: CountOrRange;
  /** The load balancer's policy. */
  readonly balancer?: BalancerPolicy;
  /** The backend's database: a real PostgreSQL server (default) or PGlite. */
  readonly database?: 'postgres' | 'pglite';
  /** The backend machine's variables, `KEY=VALUE` each. */
  readonly env?: readonly string[];
  /** A `.env` file of the backend machine's variables. */
  readonly envFile?: string;
  /** The origin the browsers' pages are served from. */
  readonly origin?: string;
  /** The key store's consistency (pins `keyStoreConsistency`). */
  readonly consistency?: KeyStoreConsistency;
}

/** JWT settings as the CLI resolves them: 30 s leeway and five-minute tokens unless told otherwise. */
const jwtDefaults = { mode: 'jwt', leewaySeconds: 30, tokenLifetimeSeconds: 300 } as const;

/** The configuration fields the user pinned (flags win over the `--config` file) and the swarm ranges. */
export function pinsFrom(options: WorldOptions, filePins: ConfigPins = {}): SwarmSettings {
  const clients = options.clients;
  return {
    ...filePins,
    ...(clients === undefined ? {} : typeof clients === 'number' ? { clients } : { clientsMin: clients.min, clientsMax: clients.max }),
    ...(options.documents === undefined ? {} : { documents: options.documents }),
    ...instancePins(options.backendInstances),
    ...(options.balancer === undefined ? {} : { balancer: options.balancer }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(options.strategy === undefined || !isRunStrategy(options.strategy) ? {} : { strategy: options.strategy }),
    ...(options.depth === undefined ? {} : { pctDepth: options.depth }),
    ...(options.faults === undefined ? {} : { faultMode: options.faults }),
    ...(options.crypto === undefined ? {} : { crypto: options.crypto }),
    ...(options.timeAndRandom === undefined ? {} : { timeAndRandom: options.timeAndRandom }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.consistency === undefined ? {} : { keyStoreConsistency: options.consistency }),
    ...(options.auth === 'jwt' || (options.tokenProvider !== undefined && options.auth !== 'none') ? { auth: { ...jwtDefaults, ...(options.leeway === undefined ? {} : { leewaySeconds: options.leeway }) } } : {}),
  };
}

/** The same pins as command-line flags, for replay lines. */
export function pinsAsFlags(pins: SwarmSettings, configFile?: string, modules: CompanionModules = {}): string {
  const { tokenProvider, backend, env, envFile } = modules;
  const flags: string[] = [];
  if (configFile !== undefined) flags.push(`--config ${shellWord(configFile)}`);
  if (pins.clients !== undefined) flags.push(`--clients ${pins.clients}`);
  if (pins.clientsMin !== undefined) flags.push(`--clients ${pins.clientsMin}-${pins.clientsMax ?? pins.clientsMin}`);
  if (pins.documents !== undefined) flags.push(`--documents ${typeof pins.documents === 'number' ? pins.documents : `${pins.documents.min}-${pins.documents.max}`}`);
  if (pins.backendInstances !== undefined) flags.push(`--backend-instances ${pins.backendInstances}`);
  if (pins.backendInstancesMin !== undefined) flags.push(`--backend-instances ${pins.backendInstancesMin}-${pins.backendInstancesMax ?? pins.backendInstancesMin}`);
  if (pins.balancer !== undefined) flags.push(`--balancer ${pins.balancer}`);
  if (pins.database !== undefined) flags.push(`--database ${pins.database}`);
  if (pins.strategy !== undefined) flags.push(`--strategy ${pins.strategy}`);
  if (pins.pctDepth !== undefined) flags.push(`--depth ${pins.pctDepth}`);
  if (pins.faultMode !== undefined) flags.push(`--faults ${pins.faultMode}`);
  if (pins.crypto !== undefined) flags.push(`--crypto ${pins.crypto}`);
  if (pins.timeAndRandom !== undefined) flags.push(`--time-and-random ${pins.timeAndRandom}`);
  if (pins.auth !== undefined) flags.push(`--auth jwt --leeway ${pins.auth.leewaySeconds}`);
  if (pins.origin !== undefined) flags.push(`--origin ${shellWord(pins.origin)}`);
  if (pins.keyStoreConsistency !== undefined) flags.push(`--consistency ${consistencyWord(pins.keyStoreConsistency)}`);
  if (tokenProvider !== undefined) flags.push(`--token-provider ${shellWord(tokenProvider)}`);
  if (backend !== undefined) flags.push(`--backend ${shellWord(backend)}`);
  if (envFile !== undefined) flags.push(`--env-file ${shellWord(envFile)}`);
  for (const variable of env ?? []) flags.push(`--env ${shellWord(variable)}`);
  return flags.join(' ');
}

function instancePins(instances: CountOrRange | undefined): Partial<SwarmSettings> {
  if (instances === undefined) return {};
  return typeof instances === 'number' ? { backendInstances: instances } : { backendInstancesMin: instances.min, backendInstancesMax: instances.max };
}

/** The modules a run loads besides the provider, as the user named them, and the backend machine's variables. */
export interface CompanionModules {
  readonly tokenProvider?: string | undefined;
  readonly backend?: string | undefined;
  /** `--env KEY=VALUE`, repeated: the backend's `process.env` (machine-environment.ts). */
  readonly env?: readonly string[] | undefined;
  /** `--env-file PATH`: a `.env` file of the backend's variables (`--env` wins). */
  readonly envFile?: string | undefined;
}

/** A commander collector for a repeatable flag. */
export function repeated(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Quotes a shell word when it needs it. */
export function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function isRunStrategy(choice: StrategyChoice): choice is StrategyName {
  return (strategyNames as readonly string[]).includes(choice);
}
