import { z } from 'zod';
import { builtInFaultEventSchema } from './components.ts';
import type { FaultShape } from './registry.ts';
import { backendInstancesMax, balancerPolicies, clientName, documentSpreads, milliseconds, strategyNames, timeAndRandomModes } from './schema-parts.ts';
import { tabsSchema } from './tabs.ts';
import { originProblem } from './origin.ts';

/** A latency distribution: uniform in [minMs, maxMs], and with `tailProbability` a draw up to `tailMaxMs`. */
export const latencyModelSchema = z
  .object({
    minMs: milliseconds,
    maxMs: milliseconds,
    tailProbability: z.number().min(0).max(1),
    tailMaxMs: milliseconds,
  })
  .strict()
  .readonly()
  .refine((model) => model.minMs <= model.maxMs && model.maxMs <= model.tailMaxMs, {
    message: 'needs minMs ≤ maxMs ≤ tailMaxMs',
  });

/** Clock settings: each node (client, server) draws its own skew and drift within these bounds. */
export const clockSettingsSchema = z
  .object({
    skewMsMax: milliseconds,
    driftPpmMax: z.number().min(0).max(1_000_000),
    /** Exact skews for named nodes (`c2`, `server`), instead of drawn ones. */
    skewsMs: z.record(z.string(), z.number().int().min(-(10 ** 12)).max(10 ** 12)).readonly().optional(),
  })
  .strict()
  .readonly();

/** JWT authentication: every connection presents a token the server verifies against its JWK set. */
export const authSettingsSchema = z
  .object({
    mode: z.literal('jwt'),
    /** Clock leeway the server allows on iat, nbf and exp; the RTC documentation gives none. */
    leewaySeconds: z.number().int().min(0).max(86_400),
    /** Lifetime of the tokens the built-in token provider signs. */
    tokenLifetimeSeconds: z.number().int().min(1).max(10 ** 8),
    /** Clients whose built-in tokens carry the `viewer` role (read-only). */
    viewers: z.array(clientName).readonly().optional(),
  })
  .strict()
  .readonly();

/** How the key store answers reads: at once, or from a replica that lags writes by up to `lagMs`. */
export const keyStoreConsistencySchema = z.object({ mode: z.enum(['strong', 'eventual']), lagMs: milliseconds }).strict().readonly();

/** The faults of one run: scheduled ones (of the kinds `faultEvent` accepts), per-operation rates, and when they stop. */
function faultPlanSchema<Fault extends FaultShape>(faultEvent: z.ZodType<Fault>) {
  return z
    .object({
      /** Faults start only before this virtual time; after it comes the liveness phase, where the world must settle. */
      phaseEndMs: milliseconds,
      events: z.array(faultEvent).max(10_000).readonly(),
      /** During the fault phase, the chance that a key-store operation fails at once (not applied). */
      keyStoreFailureRate: z.number().min(0).max(1),
      /** During the fault phase, the chance that a key-store operation times out (rejected late; applied or not, see below). */
      keyStoreTimeoutRate: z.number().min(0).max(1),
      /** How long a timed-out key-store operation takes to fail; absent: 30 s. */
      keyStoreTimeoutMs: milliseconds.min(1).optional(),
      /**
       * The chance that a key-store operation left without an answer — timed out, or its browser crashed first —
       * was applied anyway (Jepsen's indeterminate `:info` operations). Absent (older plans): a timed-out
       * operation never was, a crashed browser's always was.
       */
      keyStoreIndeterminateAppliedRate: z.number().min(0).max(1).optional(),
    })
    .strict()
    .readonly();
}

const documentCount = z.number().int().min(1).max(100_000);

/** A pinned document count, or a range `{ min, max }` each seed draws its count from. */
export const documentCountPinSchema = z.union([
  documentCount,
  z
    .object({ min: documentCount, max: documentCount })
    .strict()
    .readonly()
    .refine((range) => range.min <= range.max, { message: 'needs min ≤ max' }),
]);

/** The fields of a run configuration, with the fault kinds of a registry. */
function runConfigShape<Fault extends FaultShape>(faultEvent: z.ZodType<Fault>) {
  return z.object({
    seed: z.number().int().min(0).max(2 ** 53 - 1),
    strategy: z.enum(strategyNames),
    /** PCT's bug depth d: d − 1 priority change points per run. */
    pctDepth: z.number().int().min(1).max(20),
    /** PCT's estimate k of the steps in a run, over which the change points are spread. */
    pctStepsEstimate: z.number().int().min(1).max(10 ** 9),
    clients: z.number().int().min(1).max(100_000),
    documents: documentCount,
    /** How the clients spread over the documents (absent: `even`, each in turn). */
    documentSpread: z.enum(documentSpreads).optional(),
    /** Clients that are a second tab of another client's browser (src/config/tabs.ts); absent: none. */
    tabs: tabsSchema,
    /** Client arrivals are spread over [0, arrivalSpreadMs]. */
    arrivalSpreadMs: milliseconds,
    /** Chance that a client arrives in the very millisecond of the one before it. */
    arrivalCoincidence: z.number().min(0).max(1),
    /** Exact arrival times per client, for scripted scenarios; when set, the spread is not drawn from. */
    arrivalTimesMs: z.array(milliseconds).max(100_000).readonly().optional(),
    network: latencyModelSchema,
    keyStore: latencyModelSchema,
    /** A provider call that has not settled after this long is abandoned as a timeout. */
    providerTimeoutMs: milliseconds.min(1),
    /** How many times a client calls its provider for one step before it gives up. */
    providerAttemptsMax: z.number().int().min(1).max(1000),
    /** Backoff before the first retry; it doubles on every further retry. */
    retryBackoffMs: milliseconds,
    /** Every client must be collaborating this long after the later of the last arrival and the fault phase's end. */
    livenessBoundMs: milliseconds.min(1),
    /**
     * When fresh browsers reopen every established session after the race settled ("old keys cannot be
     * discarded immediately"): one probe per horizon, in ms after the settling, ascending; 0 is at once.
     */
    retentionHorizonsMs: z
      .array(milliseconds)
      .min(1)
      .max(20)
      .readonly()
      .refine((horizons) => horizons.every((horizon, index) => index === 0 || horizon > (horizons[index - 1] ?? 0)), { message: 'needs ascending horizons' }),
    /** The wall-clock time at virtual time zero, ms since the epoch. */
    epochMs: z.number().int().min(0).max(8.64e15),
    eventsMax: z.number().int().min(1).max(10 ** 9),
    virtualTimeMsMax: milliseconds.min(1),
    /** The faults of the run; absent: none. */
    faults: faultPlanSchema(faultEvent).optional(),
    /** Clock skew and drift bounds; absent: every clock agrees. */
    clocks: clockSettingsSchema.optional(),
    /** JWT authentication of every connection; absent: none. */
    auth: authSettingsSchema.optional(),
    /** Key-store read consistency; absent: strong. */
    keyStoreConsistency: keyStoreConsistencySchema.optional(),
    /** How long the server keeps a session whose creator disconnected before it tells the others to start over. */
    pendingSessionTimeoutMs: milliseconds.min(1).optional(),
    /** How many sessions the backend's pool has on its real PostgreSQL server (absent: no such backend; PGlite has one). */
    databaseSessions: z.number().int().min(1).max(10).optional(),
    /** The backend's database: a real PostgreSQL server (the default; absent) or PGlite's one session (`pglite`). */
    database: z.enum(['postgres', 'pglite']).optional(),
    /** Session encryption: symbolic (the fast default) or real WebCrypto. */
    crypto: z.enum(['symbolic', 'real']).optional(),
    /**
     * What a provider's `Date.now()`, `new Date()`, `performance.now()` and `Math.random()` do: answered from the
     * simulation and reported as nondeterminism (absent or `report`), or answered silently (`route`).
     */
    timeAndRandom: z.enum(timeAndRandomModes).optional(),
    /**
     * How many processes of the integrator's backend serve behind the load balancer (worlds with a backend;
     * absent: one). Each is a fresh module instance with its own memory, timers, clock and stream.
     */
    backendInstances: z.number().int().min(1).max(backendInstancesMax).optional(),
    /** How the load balancer picks an instance for each request (absent: round robin). */
    balancer: z.enum(balancerPolicies).optional(),
    /** The origin every browser's page is served from (see origin.ts); absent: `defaultOrigin`. */
    origin: z
      .string()
      .superRefine((text, context) => {
        const problem = originProblem(text);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  });
}

/**
 * The schemas of a resolved run configuration (as decision files store it) and of a `--config` file (any fields
 * but the seed, to pin), accepting the fault kinds `faultEvent` accepts: the built-in ones, or a registry's.
 */
export function configSchemasFor<Fault extends FaultShape>(faultEvent: z.ZodType<Fault>) {
  const shape = runConfigShape(faultEvent);
  return {
    runConfigSchema: shape
      .strict()
      .readonly()
      .refine((config) => config.documents <= config.clients, { message: 'documents must not exceed clients', path: ['documents'] }),
    configPinsSchema: shape.omit({ seed: true }).extend({ documents: documentCountPinSchema }).partial().strict(),
    faultPlanSchema: faultPlanSchema(faultEvent),
  };
}

const builtIn = configSchemasFor(builtInFaultEventSchema);

/** The schema of a resolved run configuration, as decision files store it. */
export const runConfigSchema = builtIn.runConfigSchema;

/** The schema of a `--config` file: any fields of a run configuration but the seed, to pin. */
export const configPinsSchema = builtIn.configPinsSchema;

/** The schema of a fault plan. */
export const faultPlanSchemaOfBuiltIns = builtIn.faultPlanSchema;
