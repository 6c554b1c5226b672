// Options given in-process (`sweep()`, the vitest helper) are checked by the same schema as a `--config` file,
// and every problem is described the same way: the field at fault, and the fields that are valid there.
import { z } from 'zod';
import { configPinsSchema } from './config/config-schema.ts';
import type { SwarmSettings } from './config/run-config.ts';
import { backendInstancesMax } from './config/schema-parts.ts';

/** The pins of a sweep: any field of a `--config` file, plus the ranges the swarm draws within. */
export const swarmSettingsSchema = configPinsSchema
  .extend({
    clientsMin: z.number().int().min(1).max(100_000),
    clientsMax: z.number().int().min(1).max(100_000),
    backendInstancesMin: z.number().int().min(1).max(backendInstancesMax),
    backendInstancesMax: z.number().int().min(1).max(backendInstancesMax),
    faultMode: z.enum(['always', 'sometimes', 'never']),
  })
  .partial()
  .strict()
  .refine((pins) => (pins.clientsMin ?? 1) <= (pins.clientsMax ?? Number.MAX_SAFE_INTEGER), { message: 'needs clientsMin ≤ clientsMax', path: ['clientsMin'] })
  .refine((pins) => (pins.backendInstancesMin ?? 1) <= (pins.backendInstancesMax ?? backendInstancesMax), { message: 'needs backendInstancesMin ≤ backendInstancesMax', path: ['backendInstancesMin'] });

const callback = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'expected a function');

/** The schema of `sweep()`'s options: the run count and first seed as `check` takes them, and the pins. */
export const sweepOptionsSchema = z
  .object({
    source: z.custom<object>((value) => typeof value === 'object' && value !== null && typeof (value as { create?: unknown }).create === 'function', 'expected a ProviderSource (sourceFromFactory or sourceFromModule)'),
    runs: z.number().int().min(1).max(100_000_000),
    seed: z.number().int().min(0).max(2 ** 32 + 100_000_000),
    pins: swarmSettingsSchema,
    onProgress: callback.optional(),
    onRun: callback.optional(),
  })
  .strict();

/** A programmer's mistake in options passed in-process: thrown, with every problem named. */
export class OptionsError extends TypeError {
  override readonly name = 'OptionsError';
}

/** Checks options against a schema; throws an `OptionsError` naming each wrong field and the valid ones. */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new OptionsError(`invalid ${what}: ${describeSchemaIssues(schema, parsed.error.issues)}`);
}

/** Checks the pins of a sweep (see `swarmSettingsSchema`). */
export function parseSwarmSettings(pins: unknown, what = 'pins'): SwarmSettings {
  return parseOptions(swarmSettingsSchema, pins, what) as SwarmSettings;
}

// Fields whose name invites the value of a sibling field: the hint is given where that sibling is valid.
const hints: Readonly<Record<string, { readonly sibling: string; readonly text: string }>> = {
  faults: { sibling: 'faultMode', text: 'faults pins a whole fault plan ({ phaseEndMs, events, keyStoreFailureRate, keyStoreTimeoutRate, and optionally keyStoreTimeoutMs, keyStoreIndeterminateAppliedRate }); how often seeds draw one is faultMode: "always" | "sometimes" | "never"' },
};

/** Each issue as `path: problem`, with the valid fields of the object it is in (at most five issues). */
export function describeSchemaIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      const problem = `${where === '' ? '(top level)' : where}: ${issue.message}`;
      const objectPath = issue.code === 'unrecognized_keys' ? issue.path : issue.path.slice(0, -1);
      const fields = fieldsAt(schema, objectPath);
      const field = issue.path.at(-1);
      const hint = issue.code !== 'unrecognized_keys' && typeof field === 'string' ? hints[field] : undefined;
      const valid = fields === undefined ? '' : ` (valid fields${objectPath.length === 0 ? '' : ` of ${objectPath.join('.')}`}: ${fields.join(', ')})`;
      return `${problem}${valid}${hint !== undefined && fields?.includes(hint.sibling) === true ? `; ${hint.text}` : ''}`;
    })
    .join('; ');
}

/** The field names of the object schema at `path`, through optional wrappers; undefined when it is no object. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: unknown = schema;
  for (const key of [...path, undefined]) {
    current = unwrapped(current);
    if (!(current instanceof z.ZodObject)) return undefined;
    if (key === undefined) return Object.keys(current.shape);
    current = (current.shape as Record<PropertyKey, unknown>)[key];
  }
  return undefined;
}

function unwrapped(schema: unknown): unknown {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap();
  return current;
}
