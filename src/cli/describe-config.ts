import { describeDocuments } from '../config/documents.ts';
import { describeFaultPlan } from '../config/fault-plan.ts';
import { defaultOrigin, isSecureOrigin } from '../config/origin.ts';
import type { LatencyModel, RunConfig } from '../config/run-config.ts';
import { formatTime } from '../kernel/format.ts';
import { builtInRegistry } from '../config/components.ts';
import type { Registry } from '../config/registry.ts';

/** The resolved world of a run in one line, printed before its timeline (faults in their components' words). */
export function describeConfig(config: RunConfig, registry: Registry = builtInRegistry): string {
  const arrivals =
    config.arrivalTimesMs !== undefined
      ? `arrivals at ${config.arrivalTimesMs.map(formatTime).join(', ')}`
      : `arrivals within ${formatTime(config.arrivalSpreadMs)} (coincidence ${config.arrivalCoincidence})`;
  return [
    `seed ${config.seed}`,
    `strategy ${config.strategy}`,
    `${config.clients} clients on ${describeDocuments(config)}`,
    ...(config.backendInstances === undefined ? [] : [backendHosts(config.backendInstances, config.balancer ?? 'round-robin')]),
    arrivals,
    `network ${latency(config.network)}`,
    `key store ${latency(config.keyStore)}`,
    `provider timeout ${formatTime(config.providerTimeoutMs)} × ${config.providerAttemptsMax} attempts`,
    `retry backoff ${formatTime(config.retryBackoffMs)}`,
    clocks(config),
    config.keyStoreConsistency?.mode === 'eventual' ? `eventual key store (reads lag up to ${formatTime(config.keyStoreConsistency.lagMs)})` : 'strong key store',
    ...(config.databaseSessions === undefined ? [] : [`database: PostgreSQL, ${config.databaseSessions} session${config.databaseSessions === 1 ? '' : 's'}`]),
    ...(config.database === 'pglite' ? ['database: PGlite, 1 session'] : []),
    `faults: ${describeFaultPlan(config.faults ?? { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 }, registry)}`,
    `origin ${config.origin ?? defaultOrigin}${isSecureOrigin(config.origin) ? '' : ' (not a secure context)'}`,
  ].join(', ');
}

function backendHosts(instances: number, balancer: string): string {
  return instances === 1 ? '1 backend instance' : `${instances} backend instances behind a ${balancer} balancer`;
}

function latency(model: LatencyModel): string {
  const base = model.minMs === model.maxMs ? `${model.minMs}ms` : `${model.minMs}–${model.maxMs}ms`;
  return model.tailProbability > 0 ? `${base} (${Math.round(model.tailProbability * 100)}% tail up to ${formatTime(model.tailMaxMs)})` : base;
}

function clocks(config: RunConfig): string {
  const settings = config.clocks;
  if (settings === undefined || (settings.skewMsMax === 0 && settings.driftPpmMax === 0)) return 'clocks agree';
  return `clocks skewed up to ±${formatTime(settings.skewMsMax)}, drifting up to ${settings.driftPpmMax} ppm`;
}
