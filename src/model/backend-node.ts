import { AsyncLocalStorage } from 'node:async_hooks';
import type { BackendContractProblem, BackendEnv, FetchHandler } from '../backend/contract.ts';
import type { BackendMachine, BackendSource } from '../backend/load.ts';
import type { SimulatedDatabase } from '../database/database.ts';
import { databaseModules } from '../database/postgres/pg-backend.ts';
import type { SessionDatabase } from '../database/postgres/sessions.ts';
import type { DatabaseHandle } from '../database/handles.ts';
import { runHandle } from '../database/run-handle.ts';
import type { SimEvent } from '../kernel/event.ts';
import type { VirtualTimers } from '../providers/machine-services.ts';
import type { NodeClock } from './clocks.ts';
import { fromWireBody, headerList, toWireBody, type HttpFailureReason, type HttpMessage } from './http-messages.ts';
import type { SimulatedKeyStore } from './key-store.ts';
import type { NetworkMessage } from './messages.ts';
import type { Endpoint, Network } from './network.ts';
import type { WorldContext } from './world-context.ts';
import type { Host } from '../config/registry.ts';
import { databaseEnvironment } from '../database/postgres/pg-module.ts';
import { assertNever } from '../kernel/assert-never.ts';

type RequestMessage = Extract<HttpMessage, { type: 'http-request' }>;

/** What the backend node is made of. */
export interface BackendNodeParts {
  /** Its address: `backend` when it is the world's only instance, else `backend#1`, `backend#2`, … */
  readonly address: string;
  /** The name of its seeded stream (its address; see backend-fleet.ts). */
  readonly streamName: string;
  readonly world: WorldContext;
  readonly network: Network;
  readonly source: BackendSource;
  readonly database: SimulatedDatabase | SessionDatabase;
  readonly keyStore: SimulatedKeyStore;
  readonly clock: NodeClock;
  /** Browsers whose next response from any instance is lost on the way (a fault), shared by the fleet. */
  readonly losingNextResponse: Set<string>;
  /** Called each time the process begins serving (a rolling deploy's new instance waits for it). */
  readonly onServing?: ((node: BackendNode) => void) | undefined;
}

/**
 * The backend process: starting (requests wait), serving, draining (a rolling deploy replaced it: it finishes
 * what it serves, then stops), down (crashed or failed to start: nothing listens) or retired (drained, for good).
 */
type Process =
  | { readonly kind: 'starting' }
  | { readonly kind: 'serving'; readonly handler: FetchHandler }
  | { readonly kind: 'draining' }
  | { readonly kind: 'down' }
  | { readonly kind: 'retired' };

/**
 * How many host turns in a row without progress the kernel gives a backend awaiting the host. A handler's
 * work between two scheduled events can alternate between the host (a body read, `Response.json`, Node
 * streams) and its own realm several times, each alternation one turn, and none of it counts as progress:
 * with one quiet turn, a Hono handler reading a JSON body, or a Fetch handler answering from memory, stalled
 * until the browser's provider timed out (a false liveness failure). Three covered every stack tried; a turn
 * costs microseconds, paid only while a request is in flight.
 */
const quietHostTurnsMax = 3;

/**
 * Which request a statement belongs to: the request being served when it was issued (async context follows
 * awaits). One storage for the process: every AsyncLocalStorage ever made stays in Node's list and is visited
 * for every promise the process creates, so one per backend node (per run) made each run slower than the one
 * before — after a few hundred runs, most of a run's time.
 */
const requestContext = new AsyncLocalStorage<{ readonly node: BackendNode; readonly request: string }>();

/**
 * The integrator's backend on a simulated server machine of its own: its clock, its seeded stream, its
 * timers as virtual-time events, the run's SQL database and the shared key store in its `env`. Requests
 * arrive over the network as messages; each is served by the process's handler with the statements it issues
 * attributed to it (`sql:c1.2#1`), and its response goes back as a message.
 *
 * A crash loses the process — its module memory, its timers, the requests it was serving (their browsers see
 * the connection reset) — but not the database; the process starts again, with a fresh module instance and a
 * fresh `createBackend(env)`, after it has been down. Requests that arrive while it starts wait for it.
 *
 * Host work. A backend's code awaits host promises rtc-sim does not schedule — a Fetch handler's answer is a
 * host promise, light-my-request finishes an Express response on `process.nextTick`. While a request is being
 * served, the kernel gives the host a turn between events until nothing more happens (`hostTurn`), bounded.
 */
export class BackendNode implements Endpoint, Host {
  readonly kind = 'backend';
  readonly id: string;
  private process: Process = { kind: 'down' };
  /** The requests that arrived while the process starts, in order. */
  private backlog: { readonly from: string; readonly message: RequestMessage }[] = [];
  /** Which start of the process is running: work of an earlier one is ignored when it finishes. */
  private generation = 0;
  private readonly serving = new Map<string, { readonly from: string }>();
  /** Browsers whose next response is lost on the way (a fault). */
  private awaitingHost = 0;
  private progress = 0;
  private lastMark = -1;
  private quietTurns = 0;
  private readonly timerEvents = new Map<number, SimEvent>();
  private timerCount = 0;
  private sleepCount = 0;
  private readonly random;
  private readonly db: DatabaseHandle;
  /** `pg`, routed to the run's sessions (a real-Postgres backend only). */
  private readonly modules: ReadonlyMap<string, () => unknown> | undefined;

  constructor(private readonly parts: BackendNodeParts) {
    this.id = parts.address;
    this.random = parts.world.streams.get(parts.streamName);
    // A statement is its request's: the request being served when it was issued (async context follows awaits).
    const caller = (): string => {
      const serving = requestContext.getStore();
      return serving?.node === this ? serving.request : this.id;
    };
    // The process a statement comes from: this instance's current start (a crash ends its statements).
    const sender = { caller, origin: () => `${this.id}#${this.generation}` };
    this.db = runHandle(parts.database, sender);
    this.modules = databaseModules(parts.database, sender);
  }

  /** Its address (the network calls it `id`). */
  get address(): string {
    return this.id;
  }

  /** Whether it takes new requests: starting or serving (not draining, not retired; a crashed one is still in rotation). */
  get inRotation(): boolean {
    return this.process.kind !== 'draining' && this.process.kind !== 'retired';
  }

  /** Where the backend's code runs: settled between events like the providers'. */
  get realm(): BackendSource['realm'] {
    return this.parts.source.realm;
  }

  /** Starts the process (at the start of the run, and after a crash once it has been down). */
  start(): void {
    const generation = ++this.generation;
    this.process = { kind: 'starting' };
    this.record('starting', 'the backend process starts: a fresh module instance, createBackend(env)');
    this.awaitingHost++;
    void this.parts.source.start(this.env(generation), this.machine(generation)).then((started) => {
      if (!this.hostWorkEnded(generation)) return;
      const backlog = this.takeBacklog();
      if (!started.ok) {
        this.process = { kind: 'down' };
        this.parts.world.emit({ kind: 'backend', actor: this.id, event: 'contract', problem: started.problem.problem, detail: started.problem.message });
        for (const waiting of backlog) this.fail(waiting.from, waiting.message.id, 'connection-refused');
        return;
      }
      this.process = { kind: 'serving', handler: started.handler };
      this.record('serving', 'the backend listens');
      for (const waiting of backlog) this.serve(started.handler, waiting.from, waiting.message);
      this.parts.onServing?.(this);
    });
  }

  /**
   * The process crashes: requests in flight are lost, module memory and timers with it; it restarts after
   * `downMs` (faults stop when the fault phase ends: a process still down then starts at that moment). A
   * retired process stays down.
   */
  crash(downMs: number): void {
    if (!this.inRotation) return;
    const { world } = this.parts;
    const restartAfterMs = Math.min(downMs, Math.max(0, (world.config.faults?.phaseEndMs ?? 0) - world.queue.nowMs));
    this.generation++;
    this.awaitingHost = 0;
    const backlog = this.takeBacklog();
    this.process = { kind: 'down' };
    for (const [id, request] of this.serving) this.fail(request.from, id, 'connection-reset');
    for (const waiting of backlog) this.fail(waiting.from, waiting.message.id, 'connection-reset');
    this.serving.clear();
    this.cancelTimers();
    // The dead process's connections close: its sessions roll back, its statement waiting for a lock is cancelled.
    this.parts.database.disconnect(`${this.id}#${this.generation - 1}`);
    world.queue.timer({ key: `${this.id}-start#${this.generation}`, actor: this.id, resources: [this.id], delayMs: restartAfterMs, action: () => this.restart() });
  }

  // The restart a crash scheduled: only of a process still down. A rolling deploy may have retired it
  // meanwhile, or a second crash while it was down scheduled a restart of its own: the first one starts it.
  private restart(): void {
    if (this.process.kind === 'down') this.start();
  }

  /**
   * A rolling deploy replaced it: it takes no new request (the balancer no longer sends any), finishes those
   * it serves, then stops for good.
   */
  drain(): void {
    if (!this.inRotation) return;
    const backlog = this.takeBacklog();
    this.process = { kind: 'draining' };
    this.record('draining', 'a newer instance took its place: it finishes the requests it serves, then stops');
    for (const waiting of backlog) this.fail(waiting.from, waiting.message.id, 'connection-refused');
    this.stopWhenDrained();
  }

  private stopWhenDrained(): void {
    if (this.process.kind !== 'draining' || this.serving.size > 0) return;
    this.generation++;
    this.awaitingHost = 0;
    this.process = { kind: 'retired' };
    this.cancelTimers();
    this.parts.database.disconnect(`${this.id}#${this.generation - 1}`);
    this.record('retired', 'drained: the process stops');
  }

  // The requests waiting for the process to start, handed over once (to be served or failed).
  private takeBacklog(): { readonly from: string; readonly message: RequestMessage }[] {
    const backlog = this.backlog;
    this.backlog = [];
    return backlog;
  }

  private cancelTimers(): void {
    for (const event of this.timerEvents.values()) this.parts.world.queue.cancel(event);
    this.timerEvents.clear();
  }

  receive(from: string, message: NetworkMessage): void {
    if (message.type !== 'http-request') return;
    const process = this.process;
    switch (process.kind) {
      case 'starting':
        this.backlog.push({ from, message });
        return;
      case 'serving':
        return this.serve(process.handler, from, message);
      case 'draining':
      case 'down':
      case 'retired':
        return this.fail(from, message.id, 'connection-refused');
      // Stryker disable next-line ConditionalExpression: unreachable: the compiler proves every kind handled, and the kind is private
      default:
        // Stryker disable next-line StringLiteral: unreachable (as above)
        return assertNever(process, 'backend process');
    }
  }

  /**
   * One host turn, when the backend awaits host work and the last turns made progress; undefined when the
   * kernel may go on. Progress: an event was scheduled or taken, or a request or start finished.
   */
  hostTurn(): Promise<void> | undefined {
    if (this.awaitingHost === 0) return undefined;
    // Stryker disable next-line ArithmeticOperator: equivalent in practice: the mark moves by 2³² for each event scheduled, so a
    // small count added or taken away changes it either way
    const mark = this.parts.world.queue.activityMark + this.progress;
    if (mark !== this.lastMark) {
      this.lastMark = mark;
      this.quietTurns = 0;
    } else if (++this.quietTurns > quietHostTurnsMax) {
      return undefined;
    }
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.realm.touch());
  }

  private serve(handler: FetchHandler, from: string, message: RequestMessage): void {
    const generation = this.generation;
    const finished = (): void => this.stopWhenDrained();
    const { id } = message;
    this.serving.set(id, { from });
    this.awaitingHost++;
    const body = message.method === 'GET' || message.method === 'HEAD' ? null : fromWireBody(message.body);
    const request = new Request(message.url, { method: message.method, headers: message.headers as [string, string][], ...(body === null ? {} : { body: new Uint8Array(body) }) });
    const answered = requestContext.run({ node: this, request: id }, () => handler(request));
    void answered
      .then(async (response) => ({ response, bytes: response.body === null ? null : new Uint8Array(await response.arrayBuffer()) }))
      .then(
        ({ response, bytes }) => {
          if (!this.hostWorkEnded(generation)) return;
          if (!this.serving.delete(id) || this.parts.world.closed) return;
          if (this.parts.losingNextResponse.delete(from)) this.fail(from, id, 'response-lost');
          else this.parts.network.send(this.id, from, { type: 'http-response', id, status: response.status, statusText: response.statusText, headers: headerList(response.headers), body: toWireBody(bytes) });
          finished();
        },
        (error: unknown) => {
          if (!this.hostWorkEnded(generation)) return;
          this.serving.delete(id);
          this.parts.world.emit({ kind: 'backend', actor: this.id, event: 'problem', problem: 'handler-threw', detail: `reading the response to ${id} failed: ${String(error)}` });
          this.fail(from, id, 'connection-reset');
          finished();
        },
      );
  }

  // Host work of the process started `generation` has ended: counted unless that process has crashed since
  // (a crash forgets what its process awaited). True when the work still matters.
  private hostWorkEnded(generation: number): boolean {
    if (generation !== this.generation) return false;
    this.awaitingHost--;
    // Stryker disable next-line UpdateOperator: only that the count changes matters (see hostTurn)
    this.progress++;
    return true;
  }

  private fail(to: string, id: string, reason: HttpFailureReason): void {
    if (this.parts.world.closed) return;
    this.parts.network.send(this.id, to, { type: 'http-failure', id, reason });
  }

  private record(event: 'starting' | 'serving' | 'draining' | 'retired', detail: string): void {
    if (this.parts.world.wants('backend')) this.parts.world.emit({ kind: 'backend', actor: this.id, event, detail });
  }

  // The env of one start of the process: its database and key store, its machine's clock and stream.
  private env(generation: number): BackendEnv {
    const { world, clock, keyStore } = this.parts;
    const alive = (): boolean => generation === this.generation;
    return {
      db: whileAlive(this.db, alive, () => this.realm.deferred<never>().promise),
      keyStore: keyStore.viewFor(this.id, alive, this.realm),
      now: () => clock.read(world.queue.nowMs),
      random: () => this.random.next(),
      randomBytes: (length) => this.random.bytes(length),
      sleep: (ms) => {
        const deferred = this.realm.deferred<void>();
        if (!Number.isFinite(ms) || ms < 0) {
          deferred.reject(new RangeError(`env.sleep(ms): ms must be a finite number ≥ 0, got ${String(ms)}`));
          return deferred.promise;
        }
        world.queue.timer({
          key: `sleep:${this.id}#${++this.sleepCount}`,
          actor: this.id,
          resources: [this.id],
          delayMs: Math.ceil(ms),
          action: () => {
            if (generation === this.generation) deferred.resolve();
          },
        });
        return deferred.promise;
      },
    };
  }

  private machine(generation: number): BackendMachine {
    const { world } = this.parts;
    return {
      elapsed: () => world.queue.nowMs,
      log: (level, text) => {
        if (world.wants('console')) world.emit({ kind: 'console', actor: this.id, level, text });
      },
      report: (finding) => world.emit({ kind: 'nondeterminism', actor: this.id, api: finding.api, detail: finding.detail, origin: 'backend' }),
      problem: (problem: BackendContractProblem) => world.emit({ kind: 'backend', actor: this.id, event: 'problem', problem: problem.problem, detail: problem.message }),
      timers: this.timers(generation),
      hostWork: (work, continuation) => world.hostWork.track(work, continuation),
      // The world's variables in the machine's process.env: the database's URL and PG* (the user's come on top).
      environment: databaseEnvironment(),
      ...(this.modules === undefined ? {} : { modules: this.modules }),
    };
  }

  private timers(generation: number): VirtualTimers {
    const { world } = this.parts;
    const schedule = (id: number, callback: () => void, delayMs: number, repeat: boolean): void => {
      // A periodic timer does not tick through a quiet period: it fires once as it ends (see quietUntilMs).
      const quietLeftMs = repeat ? world.quietUntilMs - world.queue.nowMs : 0;
      const event = world.queue.timer({
        key: `timer:${this.id}#${id}`,
        actor: this.id,
        resources: [this.id],
        delayMs: Math.max(delayMs, quietLeftMs),
        action: () => {
          if (generation !== this.generation) return;
          if (repeat) schedule(id, callback, delayMs, repeat);
          else this.timerEvents.delete(id);
          callback();
          this.realm.touch();
        },
      });
      this.timerEvents.set(id, event);
    };
    return {
      set: (callback, delayMs, repeat) => {
        const id = ++this.timerCount;
        schedule(id, callback, delayMs, repeat);
        return id;
      },
      clear: (id) => {
        const event = this.timerEvents.get(id);
        if (event === undefined) return;
        world.queue.cancel(event);
        this.timerEvents.delete(id);
      },
    };
  }
}

/**
 * The database as one start of the process sees it: once that process has crashed, its code runs no more, so a
 * statement its leftover continuations still try to send never leaves (its promise never settles).
 */
function whileAlive(db: DatabaseHandle, alive: () => boolean, never: () => Promise<never>): DatabaseHandle {
  return {
    query: (text, params, options) => (alive() ? db.query(text, params, options) : never()),
    exec: (sql, options) => (alive() ? db.exec(sql, options) : never()),
    transaction: (fn) => (alive() ? db.transaction(fn) : never()),
    waitReady: db.waitReady,
    ready: db.ready,
    closed: db.closed,
    close: () => db.close(),
  };
}
