import type { TraceRecord } from '../model/observations.ts';
import type { ProviderSource } from '../providers/source.ts';
import { describeRecord } from '../report/describe-record.ts';
import type { SimulationResult } from '../simulate.ts';

/**
 * Where two recorded runs of one seed part, in words, or undefined when their traces and decisions are the
 * same. It names the first record that differs, the provider module and the last call of the provider of
 * the client that record belongs to, and what the module left on the global object every instance shares
 * (state kept between runs, the usual cause once npm packages are bundled).
 */
export function traceDivergence(source: ProviderSource, first: SimulationResult, second: SimulationResult): string | undefined {
  const seed = first.config.seed;
  const firstTrace = first.trace ?? [];
  const secondTrace = second.trace ?? [];
  const length = Math.max(firstTrace.length, secondTrace.length);
  for (let index = 0; index < length; index++) {
    const one = firstTrace[index];
    const other = secondTrace[index];
    if (JSON.stringify(one) === JSON.stringify(other)) continue;
    const at = one ?? other;
    const where = at === undefined ? '' : ` at step ${at.step} (${at.actor})`;
    // Two records that read the same differ in when they happened: say so, rather than show two equal lines.
    const when = recordText(one) === recordText(other);
    const backend = at !== undefined && source.backend !== undefined && isBackendActor(at.actor) ? source.backend : undefined;
    return (
      `seed ${seed} run twice gave different traces; they part${where}, record ${index + 1}: ` +
      `first run: ${recordText(one, when)}; second run: ${recordText(other, when)}` +
      (backend === undefined
        ? `${lastCallText(source, firstTrace, index, at?.actor)} — ${causeText(source)}`
        : `; backend module ${backend.label} — ${backendCauseText(backend.sharedGlobals?.() ?? [])}`)
    );
  }
  if (JSON.stringify(first.decisions) !== JSON.stringify(second.decisions)) return `seed ${seed} run twice made different scheduling decisions`;
  return undefined;
}

function recordText(record: TraceRecord | undefined, withTime = false): string {
  if (record === undefined) return '(trace ended)';
  return `${record.actor} ${describeRecord(record)}${withTime ? ` (step ${record.step}, at ${record.timeMs} ms)` : ''}`;
}

// The hosts of a stack, whose code is the backend module's: its instances and the database it drives.
function isBackendActor(actor: string): boolean {
  return /^backend(#\d+)?$/.test(actor) || actor === 'database';
}

function backendCauseText(names: readonly string[]): string {
  if (names.length === 0) return 'something outside the seed (state kept between runs, real time, real randomness, the host) steers the backend';
  const listed = names.slice(0, 5).map((name) => `globalThis.${name}`).join(', ');
  return (
    `the backend keeps state on the global object that every start of the process and every run share (${listed}${names.length > 5 ? ', …' : ''}), ` +
    'so a run depends on the runs before it — keep state in createBackend(env), in env.db or in env.keyStore'
  );
}

// The call in which, or after which, the client's runs went different ways.
function lastCallText(source: ProviderSource, trace: readonly TraceRecord[], index: number, actor: string | undefined): string {
  for (let back = Math.min(index, trace.length - 1); back >= 0; back--) {
    const record = trace[back];
    if (record?.kind !== 'provider-call' || record.actor !== actor) continue;
    return `; ${actor}'s last call of ${source.label} before that was ${describeRecord(record).replace(/^calls /, '')} at step ${record.step}`;
  }
  return `; provider module ${source.label}`;
}

function causeText(source: ProviderSource): string {
  const names = source.sharedGlobals?.() ?? [];
  if (names.length === 0) return 'something outside the seed (state kept between runs, real time, real randomness) steers the provider';
  const listed = names.slice(0, 5).map((name) => `globalThis.${name}`).join(', ');
  return (
    `the module keeps state on the global object that every simulated browser and every run share (${listed}${names.length > 5 ? ', …' : ''}), ` +
    'so a run depends on the runs before it — keep state in createProvider(env) or in env.keyStore'
  );
}
