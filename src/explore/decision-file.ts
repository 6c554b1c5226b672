import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { RunConfig } from '../config/run-config.ts';
import { runConfigSchema } from '../config/config-schema.ts';
import type { Result } from '../errors.ts';
import { readJsonFile } from '../json-file.ts';
import type { TraceRecord } from '../model/observations.ts';
import { describeRecord } from '../report/describe-record.ts';
import type { SimulationResult } from '../simulate.ts';

const decisionSchema = z
  .object({
    step: z.number().int().min(0),
    event: z.string().min(1),
    chosen: z.enum(['default', 'forced']),
    meaning: z.string(),
  })
  .strict();

const decisionFileSchema = z
  .object({
    format: z.literal('rtc-sim-decisions'),
    version: z.literal(1),
    module: z.string().min(1),
    /** The token provider module of a run with JWT authentication, if it used one. */
    tokenProvider: z.string().min(1).optional(),
    /** The integrator's backend module of a run with a backend (`--backend`). */
    backend: z.string().min(1).optional(),
    property: z.string().min(1),
    message: z.string(),
    originalSeed: z.number().int().min(0),
    config: z.preprocess(upgradeLegacyConfig, runConfigSchema),
    decisions: z.array(decisionSchema).max(10_000_000),
  })
  .strict();

/**
 * Files written before retention horizons name one quiet period (`quietPeriodMs`): the same world probes at
 * once and after that period. Its timer's old event name (`quiet-period-end`) no longer occurs, which replay
 * reports if a file recorded it.
 */
function upgradeLegacyConfig(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('quietPeriodMs' in value) || 'retentionHorizonsMs' in value) return value;
  const { quietPeriodMs, ...rest } = value as Record<string, unknown>;
  return { ...rest, retentionHorizonsMs: [0, quietPeriodMs] };
}

/** A failing run saved by meaning: its world, and each decision named by the event it chose. */
export type DecisionFile = z.infer<typeof decisionFileSchema>;

/** What a decision file is made from. */
export interface DecisionFileParts {
  readonly module: string;
  readonly tokenProvider?: string;
  readonly backend?: string;
  readonly property: string;
  readonly message: string;
  readonly originalSeed: number;
  readonly config: RunConfig;
  /** The run, recorded (trace and decisions kept). */
  readonly result: SimulationResult;
  /** Per step: null where the choice was the default one. */
  readonly defaults: readonly (string | null)[];
}

/** Builds the decision file of a recorded run; each decision's meaning is what happened at that step. */
export function toDecisionFile(parts: DecisionFileParts): DecisionFile {
  const firstRecordOfStep = new Map<number, TraceRecord>();
  for (const record of parts.result.trace ?? []) if (!firstRecordOfStep.has(record.step)) firstRecordOfStep.set(record.step, record);
  const decisions = (parts.result.decisions ?? []).map((event, index) => {
    const record = firstRecordOfStep.get(index);
    return {
      step: index,
      event,
      chosen: parts.defaults[index] === null ? ('default' as const) : ('forced' as const),
      meaning: record === undefined ? event : `${record.actor}: ${describeRecord(record)}`,
    };
  });
  return {
    format: 'rtc-sim-decisions',
    version: 1,
    module: parts.module,
    ...(parts.tokenProvider === undefined ? {} : { tokenProvider: parts.tokenProvider }),
    ...(parts.backend === undefined ? {} : { backend: parts.backend }),
    property: parts.property,
    message: parts.message,
    originalSeed: parts.originalSeed,
    config: parts.config,
    decisions,
  };
}

/**
 * The stem of a failure's file names, as its decision file and reports are named: `buggy-unawaited-write-seed-40`,
 * or with a backend `provider+buggy-upsert-seed-7` (one stack's provider serves every backend of the stack).
 */
export function failureStem(module: string, seed: number, backend?: string): string {
  const name = (path: string): string => basename(path).replace(/\.[cm]?[jt]s$/, '');
  return `${name(module)}${backend === undefined ? '' : `+${name(backend)}`}-seed-${seed}`;
}

/**
 * Writes a decision file into `directory`, named after the modules and seed; returns its path. When a file of
 * that name is there for another failure — other modules (two backends named alike in different folders,
 * `a/rtc-sim-backend.ts` and `b/rtc-sim-backend.ts`), or the same modules at the same seed in another world
 * (other pins: `--clients 2`, a config file) — the name gets a short hash of the modules and world, so that
 * neither overwrites the other. The same failure found again replaces its file.
 */
export function writeDecisionFile(directory: string, file: DecisionFile): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${freeFailureStem(directory, file)}.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

/** The stem `writeDecisionFile` names a failure's files with in `directory`. */
export function freeFailureStem(directory: string, file: Pick<DecisionFile, 'module' | 'backend' | 'originalSeed' | 'config'>): string {
  const plain = failureStem(file.module, file.originalSeed, file.backend);
  const there = join(directory, `${plain}.json`);
  if (!existsSync(there)) return plain;
  const world = JSON.stringify(file.config);
  try {
    const held = JSON.parse(readFileSync(there, 'utf8')) as { module?: unknown; backend?: unknown; config?: unknown };
    if (held.module === file.module && held.backend === file.backend && JSON.stringify(held.config) === world) return plain;
  } catch {
    // Not a decision file of ours: named apart as well.
  }
  const apart = createHash('sha256').update(`${file.module}\0${file.backend ?? ''}\0${world}`).digest('hex').slice(0, 8);
  return `${plain}-${apart}`;
}

/** Reads and validates a decision file; every problem names the field. */
export function readDecisionFile(path: string): Result<DecisionFile> {
  return readJsonFile(path, decisionFileSchema, 'decision file');
}

/** The directory a decision file's relative module path is tried against after the working directory. */
export function decisionFileDirectory(path: string): string {
  return dirname(path);
}
