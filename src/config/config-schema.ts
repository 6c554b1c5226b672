import { z } from 'zod';
import { strategyNames } from './run-config.ts';
import { timeAndRandomModes } from '../providers/nondeterminism.ts';
import { originProblem } from './origin.ts';

const milliseconds = z.number().int().min(0).max(10 ** 12);

const latencyModel = z
  .object({
    minMs: milliseconds,
    maxMs: milliseconds,
    tailProbability: z.number().min(0).max(1),
    tailMaxMs: milliseconds,
  })
  .strict()
  .refine((model) => model.minMs <= model.maxMs && model.maxMs <= model.tailMaxMs, {
    message: 'needs minMs ≤ maxMs ≤ tailMaxMs',
  });

const clientName = z.string().regex(/^c\d+$/, 'a client name such as c1');
const faultEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disconnect'), atMs: milliseconds, client: clientName, reconnectAfterMs: milliseconds }).strict(),
  z.object({ kind: z.literal('crash'), atMs: milliseconds, client: clientName, restartAfterMs: milliseconds }).strict(),
  z.object({ kind: z.literal('partition'), atMs: milliseconds, client: clientName, healAfterMs: milliseconds }).strict(),
  z.object({ kind: z.literal('latency-spike'), atMs: milliseconds, durationMs: milliseconds, factor: z.number().min(1).max(1000) }).strict(),
  z.object({ kind: z.literal('server-restart'), atMs: milliseconds, downMs: milliseconds }).strict(),
  z.object({ kind: z.literal('key-store-failure'), client: clientName, operationNumber: z.number().int().min(1) }).strict(),
  z.object({ kind: z.literal('clock-sync'), atMs: milliseconds, client: clientName }).strict(),
]);
const faultPlan = z
  .object({
    phaseEndMs: milliseconds,
    events: z.array(faultEvent).max(10_000),
    keyStoreFailureRate: z.number().min(0).max(1),
    keyStoreTimeoutRate: z.number().min(0).max(1),
  })
  .strict();

const runConfigShape = z.object({
  seed: z.number().int().min(0).max(2 ** 53 - 1),
  strategy: z.enum(strategyNames as unknown as ['random', 'pct', 'timed']),
  pctDepth: z.number().int().min(1).max(20),
  pctStepsEstimate: z.number().int().min(1).max(10 ** 9),
  clients: z.number().int().min(1).max(100_000),
  documents: z.number().int().min(1).max(100_000),
  arrivalSpreadMs: milliseconds,
  arrivalCoincidence: z.number().min(0).max(1),
  arrivalTimesMs: z.array(milliseconds).max(100_000).optional(),
  network: latencyModel,
  keyStore: latencyModel,
  providerTimeoutMs: milliseconds.min(1),
  providerAttemptsMax: z.number().int().min(1).max(1000),
  retryBackoffMs: milliseconds,
  livenessBoundMs: milliseconds.min(1),
  quietPeriodMs: milliseconds,
  epochMs: z.number().int().min(0).max(8.64e15),
  eventsMax: z.number().int().min(1).max(10 ** 9),
  virtualTimeMsMax: milliseconds.min(1),
  faults: faultPlan.optional(),
  clocks: z
    .object({
      skewMsMax: milliseconds,
      driftPpmMax: z.number().min(0).max(1_000_000),
      skewsMs: z.record(z.string(), z.number().int().min(-(10 ** 12)).max(10 ** 12)).optional(),
    })
    .strict()
    .optional(),
  auth: z
    .object({
      mode: z.literal('jwt'),
      leewaySeconds: z.number().int().min(0).max(86_400),
      tokenLifetimeSeconds: z.number().int().min(1).max(10 ** 8),
      viewers: z.array(clientName).optional(),
    })
    .strict()
    .optional(),
  keyStoreConsistency: z.object({ mode: z.enum(['strong', 'eventual']), lagMs: milliseconds }).strict().optional(),
  pendingSessionTimeoutMs: milliseconds.min(1).optional(),
  crypto: z.enum(['symbolic', 'real']).optional(),
  timeAndRandom: z.enum(timeAndRandomModes).optional(),
  origin: z
    .string()
    .superRefine((text, context) => {
      const problem = originProblem(text);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

/** The schema of a resolved run configuration, as decision files store it. */
export const runConfigSchema = runConfigShape
  .strict()
  .refine((config) => config.documents <= config.clients, { message: 'documents must not exceed clients', path: ['documents'] });

/** The schema of a `--config` file: any fields of a run configuration but the seed, to pin. */
export const configPinsSchema = runConfigShape.omit({ seed: true }).partial().strict();
