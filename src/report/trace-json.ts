import type { RunConfig } from '../config/run-config.ts';
import type { TraceRecord } from '../model/observations.ts';
import type { RunOutcome, SimulationResult } from '../simulate.ts';

/** The name and version of the trace format; docs/trace-schema.md describes it. */
export const traceSchema = { schema: 'rtc-sim-trace', version: 2 } as const;

/** One scheduling decision of a run: the event chosen at a step, and whether it was the default choice. */
export interface TraceJsonDecision {
  readonly step: number;
  readonly event: string;
  /** `default`: the earliest event; `forced`: another one; `unknown` when the run did not note it. */
  readonly chosen: 'default' | 'forced' | 'unknown';
}

/** One trace record: when it happened, who did it, what kind of thing, and that kind's own fields. */
export type TraceJsonEvent = { readonly step: number; readonly timeMs: number; readonly actor: string; readonly kind: string } & Readonly<Record<string, unknown>>;

/** A recorded run in the documented JSON format. */
export interface TraceJson {
  readonly schema: typeof traceSchema.schema;
  readonly version: typeof traceSchema.version;
  readonly module: string;
  readonly config: RunConfig;
  readonly outcome: RunOutcome;
  readonly decisions: readonly TraceJsonDecision[];
  readonly events: readonly TraceJsonEvent[];
}

/** What a trace file is made of. */
export interface TraceJsonParts {
  /** The provider module (or in-process name) that ran. */
  readonly module: string;
  /** The run, recorded (trace and decisions kept). */
  readonly result: SimulationResult;
  /** Per step, `null` where the choice was the default one (as shrinking notes them). */
  readonly defaults?: readonly (string | null)[];
}

/** A recorded run as a trace document: `{ schema, version, module, config, outcome, decisions, events }`. */
export function toTraceJson(parts: TraceJsonParts): TraceJson {
  const { result, defaults } = parts;
  return {
    ...traceSchema,
    module: parts.module,
    config: result.config,
    outcome: result.outcome,
    decisions: (result.decisions ?? []).map((event, index) => ({
      step: index,
      event,
      chosen: defaults === undefined || index >= defaults.length ? 'unknown' : defaults[index] === null ? 'default' : 'forced',
    })),
    events: (result.trace ?? []).map(traceJsonEvent),
  };
}

/** A trace document as text: one event per line, so that a diff of two runs reads event by event. */
export function stringifyTraceJson(document: TraceJson): string {
  const { events, ...head } = document;
  const headText = JSON.stringify(head, null, 2);
  const eventLines = events.map((event) => `    ${JSON.stringify(event)}`).join(',\n');
  return `${headText.slice(0, -2)},\n  "events": [\n${eventLines}\n  ]\n}\n`;
}

/** One record with its stamp first and its kind's fields after. */
export function traceJsonEvent(record: TraceRecord): TraceJsonEvent {
  const { step, timeMs, actor, kind, ...payload } = record;
  return { step, timeMs, actor, kind, ...payload };
}
