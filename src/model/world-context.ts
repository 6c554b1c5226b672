import type { RunConfig } from '../config/run-config.ts';
import type { EventQueue } from '../kernel/event-queue.ts';
import type { HostWork } from '../kernel/host-work.ts';
import type { RandomStreams } from '../kernel/random.ts';
import type { SimulatedFetch } from '../providers/machine-services.ts';
import type { Realm } from '../providers/realm.ts';
import type { ProviderSource } from '../providers/source.ts';
import type { TokenSource } from './auth/token-source.ts';
import type { CryptoScheme } from './crypto.ts';
import type { Observation } from './observations.ts';
import type { ProtocolMoment } from '../config/moments.ts';

/** What every part of the model shares within one run. */
export interface WorldContext {
  readonly config: RunConfig;
  readonly queue: EventQueue;
  readonly streams: RandomStreams;
  readonly source: ProviderSource;
  /** Real asynchronous work the model started (WebCrypto, JWT), awaited before the next event. */
  readonly hostWork: HostWork;
  /** The session encryption scheme: symbolic (fast) or real (WebCrypto). */
  readonly crypto: CryptoScheme;
  /** Where clients get their JWTs, with authentication on. */
  readonly tokens: TokenSource | undefined;
  /** Records an observation in the trace; checkers see it at once. */
  emit(observation: Observation): void;
  /** Whether a record of this kind is wanted: kept in the trace, or read by a checker. */
  wants(kind: Observation['kind']): boolean;
  /** The fetch of one module instance of a browser or probe, to the integrator's backend; undefined without one. */
  pageFetch(clientId: string, realm: Realm): SimulatedFetch | undefined;
  /**
   * Until when the world is in a quiet period (nothing happens between two retention probes); 0 when it is
   * not. Machines' periodic timers (a backend's connection-pool reaper) do not tick through it: they fire once
   * when it ends, so that quiet time stays a jump of the clock.
   */
  readonly quietUntilMs: number;
  /**
   * Until when a fault injected so far still holds: the fault phase's end, or later while a partition or a
   * latency spike drawn in the phase outlasts it. A provider's failures until then never make a client give up.
   */
  readonly faultsHoldUntilMs: number;
  /** A protocol moment happened (a narrow window opened): the fault verbs waiting for it decide what follows. */
  moment(moment: ProtocolMoment): void;
  /** True once the run has ended: late work from user code is then ignored. */
  readonly closed: boolean;
}
