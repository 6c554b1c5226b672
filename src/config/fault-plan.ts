import type { z } from 'zod';
import { builtInRegistry, type BuiltInFault } from './components.ts';
import type { Registry } from './registry.ts';
import type { authSettingsSchema, clockSettingsSchema, faultPlanSchemaOfBuiltIns, keyStoreConsistencySchema } from './config-schema.ts';

/** One fault of the built-in components, scheduled at a virtual time within the fault phase or scripted (see world/components.ts). */
export type FaultEvent = BuiltInFault;

/** The faults of one run: scheduled ones, per-operation rates, and when they stop. */
export type FaultPlan = z.infer<typeof faultPlanSchemaOfBuiltIns>;

/** Clock settings: each node (client, server) draws its own skew and drift within these bounds. */
export type ClockSettings = z.infer<typeof clockSettingsSchema>;

/** JWT authentication: every connection presents a token the server verifies against its JWK set. */
export type AuthSettings = z.infer<typeof authSettingsSchema>;

/** How the key store answers reads: at once, or from a replica that lags writes by up to `lagMs`. */
export type KeyStoreConsistency = z.infer<typeof keyStoreConsistencySchema>;

/** A run without faults. */
export const noFaults: FaultPlan = { phaseEndMs: 0, events: [], keyStoreFailureRate: 0, keyStoreTimeoutRate: 0 };

/** Clocks that agree. */
export const exactClocks: ClockSettings = { skewMsMax: 0, driftPpmMax: 0 };

/** A key store whose reads see every completed write. */
export const strongConsistency: KeyStoreConsistency = { mode: 'strong', lagMs: 0 };

/** One line per fault plan, for reports: each fault in the words of the component that owns it, then each component's notes (the key store's rates). */
export function describeFaultPlan(plan: FaultPlan, registry: Registry = builtInRegistry): string {
  if (plan.events.length === 0 && plan.keyStoreFailureRate === 0 && plan.keyStoreTimeoutRate === 0) return 'no faults';
  return registry.describePlan(plan).join('; ');
}
