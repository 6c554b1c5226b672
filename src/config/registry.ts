import { z } from 'zod';
import type { RandomStream } from '../kernel/random.ts';
import type { ProtocolMoment } from './moments.ts';


/**
 * What kind of machine a host is (see world/hosts.ts): the one classification of the host table, by which
 * fault verbs find the addresses they act on.
 */
export type HostKind = 'browser' | 'rtc-server' | 'key-store' | 'backend' | 'balancer' | 'database' | 'probe' | (string & {});

/** Where a host's user code runs: settled between two events (see providers/realm.ts). */
export interface HostRealm {
  /** Notes that user code may have pending reactions: the next settle must drain them. */
  touch(): void;
  /** Runs every pending reaction of user code; a promise when it has to wait for the host. */
  settle(): Promise<void> | undefined;
}

/** One machine of a world. Every part but the address and the kind is optional: a host has what it does. */
export interface Host {
  /** Its address on the network and in the trace: `c1`, `server`, `backend#2`. */
  readonly address: string;
  readonly kind: HostKind;
  /** Where its user code runs, when it runs any (several hosts may share one realm: one compiled module). */
  readonly realm?: HostRealm | undefined;
  /** Starts it (at the start of the run, after its registration). */
  start?(): void;
  /** Crashes it: what it held in memory is lost; it comes back after `downMs`, as its kind does. */
  crash?(downMs: number): void;
  /**
   * One turn of the host's event loop when it awaits host work that no event stands for (a backend serving
   * a request); undefined when the kernel may go on.
   */
  hostTurn?(): Promise<void> | undefined;
}

/** A fault as the registry sees it: a kind, and for a scheduled fault, when it happens. */
export interface FaultShape {
  readonly kind: string;
  readonly atMs?: number;
}

/** A client as fault verbs act on it. */
export interface FaultableClient {
  readonly id: string;
  disconnect(reconnectAfterMs: number): void;
  /** Loses the page's memory and connection; it comes back after `restartAfterMs` (a reload says so in the trace). */
  crash(restartAfterMs: number, cause?: 'browser-crashed' | 'page-reloaded'): void;
  synchroniseClock(): void;
}

/** What a fault verb acts on during one run (the World implements it): only what verbs need, nothing more. */
export interface FaultTarget {
  readonly nowMs: number;
  /** Records the fault in the trace: who it hits, its name, what happens. */
  record(actor: string, fault: string, detail: string): void;
  client(id: string): FaultableClient | undefined;
  /** Holds the messages between two endpoints (both ways) until `untilMs`. */
  partition(endpoint: string, peer: string, untilMs: number): void;
  spikeLatency(factor: number, untilMs: number): void;
  /** The addresses of the world's hosts of a kind (`backend`: every instance), in registration order. */
  addresses(kind: HostKind): readonly string[];
  /** Crashes the hosts at these addresses, each as its kind crashes, for `downMs` (turmoil's `crash(addrs)`). */
  crash(addresses: readonly string[], downMs: number): void;
  /** Loses the next response any backend instance sends `client`, after its handler ran (nothing happens without a backend). */
  loseNextResponse(client: string): void;
  /** Replaces the backend instances one at a time, each new one starting while the old one serves (nothing without a backend). */
  rollingDeploy(): void;
}

/** Where a swarm-drawn fault lands: drawn before its kind, for every kind, so that draws stay aligned. */
export interface DrawnPlace {
  readonly atMs: number;
  readonly client: string;
  /** How many backend instances the world runs (1 without a backend): a verb aimed at one draws which. */
  readonly backendInstances: number;
}

/**
 * One fault kind a component owns (turmoil's fault verbs): its shape, its words for the config line, what it
 * does when its time comes, and how a swarm seed draws one. Method syntax on purpose: a verb of one kind is a
 * verb of the registry's wider fault type.
 */
export interface FaultVerb<Fault extends FaultShape = FaultShape> {
  readonly kind: Fault['kind'];
  readonly schema: z.ZodType<Fault>;
  /** The fault in the config line: `c1 disconnects at 30ms (reconnects after 100ms)`. */
  describe(fault: Fault): string;
  /** What happens at `fault.atMs`. A verb without it is applied by its component as it works (an operation failing). */
  inject?(fault: Fault, world: FaultTarget): void;
  /**
   * For a fault that waits for a protocol moment instead of a time: called at every moment the model reports
   * until it answers true (it happened; it is not asked again).
   */
  atMoment?(fault: Fault, moment: ProtocolMoment, world: FaultTarget): boolean;
  /** How a swarm seed draws one; a verb without it appears only in scripted or pinned plans. */
  draw?(stream: RandomStream, place: DrawnPlace): Fault;
}

/** The parts of a fault plan a component's shrink steps may change. */
export interface PlanShape {
  readonly phaseEndMs: number;
  readonly events: readonly FaultShape[];
  readonly keyStoreFailureRate: number;
  readonly keyStoreTimeoutRate: number;
  readonly keyStoreTimeoutMs?: number | undefined;
  readonly keyStoreIndeterminateAppliedRate?: number | undefined;
}

/** The parts of a world a component's `fewerHosts` may change: its host counts and the faults aimed at its hosts. */
export interface HostCountsShape {
  readonly backendInstances?: number | undefined;
  readonly faults?: PlanShape | undefined;
}

/** What a component's hosts get from the world when they are made (at the start of a run). */
export interface HostContext {
  /** The run's virtual time now. */
  readonly nowMs: number;
  /** Records something that happened to a host in the trace (a `fault` record: who, what, in words). */
  record(actor: string, event: string, detail: string): void;
  /** Runs `action` after `delayMs` of virtual time, as a kernel timer keyed `key` (the host's own events). */
  schedule(key: string, actor: string, delayMs: number, action: () => void): void;
}

/** A host as a component makes it: an address, a kind, and what it does (see world/hosts.ts for the whole lifecycle). */
export interface ComponentHost {
  readonly address: string;
  readonly kind: HostKind;
  start?(): void;
  crash?(downMs: number): void;
}

/** A lifeline in sequence diagrams: the trace actor it stands for, and its label. */
export interface Lifeline {
  readonly actor: string;
  readonly label: string;
}

/**
 * A component of the world (after madsim's simulator plugins): its fault verbs, its own shrink steps and its
 * lifelines in reports. Its run-time state lives in its model class; the World wires what is registered.
 */
export interface ComponentDefinition {
  readonly name: string;
  readonly faults: readonly FaultVerb<never>[] | readonly FaultVerb[];
  /**
   * Hosts of its own to register in every world (madsim's `create_node`): made at the start of the run, before
   * any other host starts. The built-in components' hosts are wired by the World itself.
   */
  hosts?(context: HostContext): readonly ComponentHost[];
  /** Simpler plans the shrinker may try, beyond dropping one scheduled fault at a time. */
  simplerPlans?<Plan extends PlanShape>(plan: Plan): Plan[];
  /**
   * Smaller worlds with fewer of this component's hosts, the faults aimed at them retargeted (the shrinker
   * tries each, after fewer clients): `backend#3` of three becomes `backend#1` of two.
   */
  fewerHosts?<World extends HostCountsShape>(world: World): World[];
  /** What the config line says about this component's part of a plan beyond its scheduled faults (rates). */
  describePlan?(plan: PlanShape): string[];
  /** Its lifelines, given every actor of a trace, in the order they are drawn. */
  lifelines?(actors: readonly string[]): Lifeline[];
}

/** The fault type a list of components declares: the union of their verbs' shapes. */
export type FaultOf<Components extends readonly ComponentDefinition[]> = Components[number]['faults'][number] extends infer Verb
  ? Verb extends FaultVerb<infer Fault>
    ? Fault
    : never
  : never;

/** Makes a fault verb, inferring its fault type from its schema. */
export function faultVerb<Fault extends FaultShape>(verb: FaultVerb<NoInfer<Fault>> & { readonly schema: z.ZodType<Fault> }): FaultVerb<Fault> {
  return verb;
}

/** The components of a world, in order: what the World wires, the schema accepts, the shrinker tries and reports draw. */
export class Registry<Fault extends FaultShape = FaultShape> {
  private readonly verbsByKind = new Map<string, FaultVerb<Fault>>();

  constructor(readonly components: readonly ComponentDefinition[]) {
    for (const verb of this.verbs()) {
      if (this.verbsByKind.has(verb.kind)) throw new Error(`two components register the fault kind ${verb.kind}`);
      this.verbsByKind.set(verb.kind, verb);
    }
  }

  /** A registry with one more component, last. */
  with(component: ComponentDefinition): Registry {
    return new Registry([...this.components, component]);
  }

  /** Every fault verb, in registration order (`Fault` is what the components' verbs declare: see FaultOf). */
  verbs(): FaultVerb<Fault>[] {
    return this.components.flatMap((component) => component.faults as readonly FaultVerb<Fault>[]);
  }

  /** The verb of a fault kind; a kind nobody registered is a programmer error (the schema refuses it first). */
  verb(kind: string): FaultVerb<Fault> {
    const verb = this.verbsByKind.get(kind);
    if (verb === undefined) throw new Error(`no component registers the fault kind ${kind}`);
    return verb;
  }

  /** The schema of one fault event: any registered kind, each with its own fields. */
  faultEventSchema(): z.ZodType<Fault> {
    const schemas = this.verbs().map((verb) => verb.schema) as unknown as [z.ZodObject, ...z.ZodObject[]];
    return z.discriminatedUnion('kind', schemas) as unknown as z.ZodType<Fault>;
  }

  /** Simpler plans every component offers the shrinker, in registration order. */
  simplerPlans<Plan extends PlanShape>(plan: Plan): Plan[] {
    return this.components.flatMap((component) => component.simplerPlans?.(plan) ?? []);
  }

  /** The hosts every component makes for a run, in registration order. */
  hosts(context: HostContext): ComponentHost[] {
    return this.components.flatMap((component) => component.hosts?.(context) ?? []);
  }

  /** Smaller worlds every component offers the shrinker, with fewer of its hosts, in registration order. */
  fewerHosts<World extends HostCountsShape>(world: World): World[] {
    return this.components.flatMap((component) => component.fewerHosts?.(world) ?? []);
  }

  /** The config line's words for a plan: each fault in its verb's words, then each component's own notes. */
  describePlan(plan: Omit<PlanShape, 'events'> & { readonly events: readonly Fault[] }): string[] {
    return [...plan.events.map((event) => this.verb(event.kind).describe(event)), ...this.components.flatMap((component) => component.describePlan?.(plan) ?? [])];
  }

  /** The lifelines of a trace's actors, component by component. */
  lifelines(actors: readonly string[]): Lifeline[] {
    return this.components.flatMap((component) => component.lifelines?.(actors) ?? []);
  }
}
