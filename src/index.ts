// The public API of rtc-sim: the provider contract types, and the functions to check a provider in-process.
export type {
  CreateProvider,
  EncryptionProvider,
  KeyStore,
  ProviderAnswer,
  ProviderEnv,
  ProviderModule,
  ProviderRequest,
} from './providers/types.ts';
export type { ConfigPins, LatencyModel, RunConfig, StrategyName } from './config/run-config.ts';
export type { PropertyName, Violation } from './check/violation.ts';
export type { Observation, TraceRecord } from './model/observations.ts';
export type { RunOutcome, SimulationResult } from './simulate.ts';
export type { SweepFailure, SweepReport } from './explore/sweep.ts';
export type { ProviderSource } from './providers/source.ts';
export type { BackendApp, BackendContractBreach, BackendContractProblem, BackendEnv, BackendModule, CreateBackend, DefaultApp, FetchHandler, NodeRequestListener } from './backend/contract.ts';
export type { DatabaseHandle, TransactionHandle } from './database/handles.ts';
export { simulate } from './simulate.ts';
export { replay, sweep } from './explore/sweep.ts';
export { OptionsError } from './options-schema.ts';
export { drawConfig } from './config/swarm.ts';
export { loadProviderModule } from './providers/loader.ts';
export { sourceFromFactory, sourceFromModule } from './providers/source.ts';
export { renderTimeline } from './report/timeline.ts';
export type { TraceJson, TraceJsonEvent } from './report/trace-json.ts';
export { stringifyTraceJson, toTraceJson, traceSchema } from './report/trace-json.ts';
export { renderMermaid } from './report/mermaid.ts';
export { renderHtmlReport } from './report/html.ts';
export type { NearestPass } from './explore/nearest-pass.ts';
export { findNearestPass } from './explore/nearest-pass.ts';
export { describeNearestPass } from './report/nearest-pass-text.ts';
