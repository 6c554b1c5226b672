import type { LatencyModel, RunConfig } from '../config/run-config.ts';
import { formatTime } from '../report/format.ts';

/** The resolved world of a run in one line, printed before its timeline. */
export function describeConfig(config: RunConfig): string {
  const arrivals =
    config.arrivalTimesMs !== undefined
      ? `arrivals at ${config.arrivalTimesMs.map(formatTime).join(', ')}`
      : `arrivals within ${formatTime(config.arrivalSpreadMs)} (coincidence ${config.arrivalCoincidence})`;
  return [
    `seed ${config.seed}`,
    `strategy ${config.strategy}`,
    `${config.clients} clients on ${config.documents} document${config.documents === 1 ? '' : 's'}`,
    arrivals,
    `network ${latency(config.network)}`,
    `key store ${latency(config.keyStore)}`,
    `provider timeout ${formatTime(config.providerTimeoutMs)} × ${config.providerAttemptsMax} attempts`,
  ].join(', ');
}

function latency(model: LatencyModel): string {
  const base = model.minMs === model.maxMs ? `${model.minMs}ms` : `${model.minMs}–${model.maxMs}ms`;
  return model.tailProbability > 0 ? `${base} (${Math.round(model.tailProbability * 100)}% tail up to ${formatTime(model.tailMaxMs)})` : base;
}
