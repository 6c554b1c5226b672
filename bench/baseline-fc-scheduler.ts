// The race as a user would test it today with fast-check's scheduler: async server and clients, every network
// delivery and key-store operation a scheduled promise, the good store-backed dynamic provider.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { cpuMsSince } from './timing.ts';

/** What one baseline measurement runs. */
export interface BaselineOptions {
  readonly clients: number;
  readonly schedules: number;
  readonly seed: number;
}

/** What one baseline measurement found. */
export interface BaselineResult {
  readonly schedules: number;
  readonly elapsedMs: number;
  /** CPU time of the process over the same stretch (bench/timing.ts). */
  readonly cpuMs: number;
  readonly failures: number;
  /** Mean scheduled tasks (arrivals, deliveries, key-store operations) per schedule. */
  readonly eventsPerRun: number;
  /** The counterexample fast-check reported, if any. */
  readonly failure: string | undefined;
}

type Message =
  | { readonly type: 'requestSession' | 'noSession' | 'sessionPending' | 'createAccepted' | 'createRejected' | 'uploadContent' }
  | { readonly type: 'createSession' | 'sessionExists' | 'newSessionAvailable'; readonly keyHint: string };

type Provider = (request: { keyHint: string | null }) => Promise<{ key: string; keyHint?: string }>;

/** One schedule of the world: its scheduler, a task counter, and the links between nodes. */
class RaceWorld {
  tasks = 0;
  private readonly laneTails = new Map<string, Promise<void>>();
  private readonly store = new Map<string, string>();
  constructor(private readonly scheduler: fc.Scheduler) {}

  /** A scheduled point: resolves when the scheduler picks it. */
  step(label: string): Promise<unknown> {
    this.tasks++;
    return this.scheduler.schedule(Promise.resolve(label), label);
  }

  /** Sends on a FIFO connection: each delivery is scheduled only after the previous one on that link. */
  send(from: string, to: string, message: Message, deliver: (message: Message) => void): void {
    const link = `${from}→${to}`;
    const previous = this.laneTails.get(link) ?? Promise.resolve();
    const delivered = previous.then(() => this.step(`${link} ${message.type}`)).then(() => deliver(message));
    this.laneTails.set(link, delivered);
  }

  /** The shared key store: every operation is scheduled and applies when it completes. */
  readonly keyStore = {
    get: (key: string): Promise<string | undefined> => this.step(`store get ${key}`).then(() => this.store.get(key)),
    setIfAbsent: (key: string, value: string): Promise<boolean> =>
      this.step(`store setIfAbsent ${key}`).then(() => {
        if (this.store.has(key)) return false;
        this.store.set(key, value);
        return true;
      }),
  };
}

/** The good store-backed dynamic provider: a fresh key under a unique hint, written (awaited) before use. */
function goodProvider(world: RaceWorld, documentId: string): Provider {
  return async ({ keyHint }) => {
    if (keyHint === null) {
      const hint = `key-${randomBytes(8).toString('hex')}`;
      const key = randomBytes(32).toString('hex');
      if (!(await world.keyStore.setIfAbsent(`${documentId}/${hint}`, key))) throw new Error(`hint collision on ${hint}`);
      return { key, keyHint: hint };
    }
    const key = await world.keyStore.get(`${documentId}/${keyHint}`);
    if (key === undefined) throw new Error(`no key for hint ${keyHint}`);
    return { key };
  };
}

/** Messages a client has received and not yet consumed; `take` waits for the first of the given types. */
class Inbox {
  private readonly buffered: Message[] = [];
  private waiter: { readonly types: readonly string[]; readonly resolve: (message: Message) => void } | undefined;

  push(message: Message): void {
    if (this.waiter !== undefined && this.waiter.types.includes(message.type)) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve(message);
    } else this.buffered.push(message);
  }

  take(...types: Message['type'][]): Promise<Message> {
    const index = this.buffered.findIndex((message) => types.includes(message.type));
    if (index >= 0) return Promise.resolve(this.buffered.splice(index, 1)[0] as Message);
    return new Promise((resolve) => (this.waiter = { types, resolve }));
  }
}

function hintOf(message: Message): string {
  if (!('keyHint' in message)) throw new Error(`${message.type} carries no key hint`);
  return message.keyHint;
}

/** Runs one schedule of the race: the disagreement found (undefined when all agree) and the tasks scheduled. */
async function raceOnce(scheduler: fc.Scheduler, clients: number): Promise<{ problem: string | undefined; tasks: number }> {
  const world = new RaceWorld(scheduler);
  const documentId = 'd1';
  const inboxes = new Map<string, Inbox>();
  const session = { status: 'none' as 'none' | 'pending' | 'established', owner: '', keyHint: '', connected: [] as string[] };
  const toClient = (id: string, message: Message): void => world.send('server', id, message, (delivered) => inboxes.get(id)?.push(delivered));
  const server = (from: string, message: Message): void => {
    if (message.type === 'requestSession') {
      if (session.status === 'established') return toClient(from, { type: 'sessionExists', keyHint: session.keyHint });
      if (!session.connected.includes(from)) session.connected.push(from);
      return toClient(from, { type: session.status === 'pending' ? 'sessionPending' : 'noSession' });
    }
    if (message.type === 'createSession') {
      if (session.status !== 'none') return toClient(from, { type: 'createRejected' });
      Object.assign(session, { status: 'pending', owner: from, keyHint: message.keyHint });
      return toClient(from, { type: 'createAccepted' });
    }
    if (message.type === 'uploadContent' && session.status === 'pending' && session.owner === from) {
      session.status = 'established';
      for (const client of session.connected) toClient(client, { type: 'newSessionAvailable', keyHint: session.keyHint });
    }
  };
  const created = new Map<string, string>();
  const runClient = async (id: string): Promise<string> => {
    const inbox = new Inbox();
    inboxes.set(id, inbox);
    const provider = goodProvider(world, documentId);
    const toServer = (message: Message): void => world.send(id, 'server', message, (delivered) => server(id, delivered));
    await world.step(`arrive ${id}`);
    toServer({ type: 'requestSession' });
    const answer = await inbox.take('noSession', 'sessionPending', 'sessionExists');
    if (answer.type === 'sessionExists') return (await provider({ keyHint: hintOf(answer) })).key;
    if (answer.type === 'noSession') {
      const fresh = await provider({ keyHint: null });
      created.set(id, fresh.key);
      toServer({ type: 'createSession', keyHint: fresh.keyHint ?? '' });
      const verdict = await inbox.take('createAccepted', 'createRejected');
      if (verdict.type === 'createAccepted') {
        toServer({ type: 'uploadContent' });
        await inbox.take('newSessionAvailable');
        return fresh.key;
      }
    }
    const announcement = await inbox.take('newSessionAvailable');
    return (await provider({ keyHint: hintOf(announcement) })).key;
  };
  const keys: (string | undefined)[] = Array.from({ length: clients }, () => undefined);
  const runs = keys.map((_, index) => runClient(`c${index + 1}`).then((key) => (keys[index] = key)));
  await scheduler.waitIdle();
  await Promise.allSettled(runs);
  const winnerKey = created.get(session.owner);
  const disagreeing = keys.flatMap((key, index) => (key !== undefined && key === winnerKey ? [] : [`c${index + 1}`]));
  const problem =
    winnerKey === undefined
      ? 'no session was established'
      : disagreeing.length === 0
        ? undefined
        : `clients ${disagreeing.join(', ')} do not hold the winner's key`;
  return { problem, tasks: world.tasks };
}

/** Runs `schedules` schedules of the race through `fc.check(fc.asyncProperty(fc.scheduler(), …))`. */
export async function runBaseline(options: BaselineOptions): Promise<BaselineResult> {
  let tasks = 0;
  let runs = 0;
  let failure: string | undefined;
  const property = fc.asyncProperty(fc.scheduler(), async (scheduler) => {
    const { problem, tasks: scheduled } = await raceOnce(scheduler, options.clients);
    runs++;
    tasks += scheduled;
    failure ??= problem;
    return problem === undefined;
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const details = await fc.check(property, { numRuns: options.schedules, seed: options.seed, endOnFailure: true });
  const cpuMs = cpuMsSince(cpuBefore);
  const elapsedMs = performance.now() - started;
  return {
    schedules: details.numRuns,
    elapsedMs,
    cpuMs,
    failures: details.failed ? 1 : 0,
    eventsPerRun: runs === 0 ? 0 : tasks / runs,
    failure: details.failed ? (failure ?? String(details.errorInstance)) : undefined,
  };
}
