import { z } from 'zod';

/** A virtual duration or instant, in whole milliseconds. */
export const milliseconds = z.number().int().min(0).max(10 ** 12);

/** A simulated browser's name: `c1`, `c2`, … */
export const clientName = z.string().regex(/^c\d+$/, 'a client name such as c1');

/** The scheduling strategies a run can use. */
export const strategyNames = ['random', 'pct', 'timed'] as const;

/** What clock reads and `Math.random()` in provider code do (the routed* rows of nondeterminism.ts): `report` (the default) or `route`. */
export const timeAndRandomModes = ['report', 'route'] as const;

/**
 * How a world's clients spread over its documents (see documents.ts): `even` deals them out in turn,
 * `blocks` gives each document a run of consecutive clients, `skewed` crowds every client but one per other
 * document onto the first.
 */
export const documentSpreads = ['even', 'blocks', 'skewed'] as const;

/**
 * How the load balancer in front of several backend instances picks one for a request: in turn, at random
 * (from its seeded stream), or sticky (each browser always reaches the same instance: session affinity).
 */
export const balancerPolicies = ['round-robin', 'random', 'sticky'] as const;

/** The most backend instances a world may run. */
export const backendInstancesMax = 8;
