import type { BackendEnv, FetchHandler } from '../../src/backend/contract.ts';
import type { BackendMachine, BackendSource, StartedBackend } from '../../src/backend/load.ts';
import type { SimulatedDatabase } from '../../src/database/database.ts';
import type { SessionDatabase } from '../../src/database/postgres/sessions.ts';
import { BackendNode } from '../../src/model/backend-node.ts';
import type { HttpMessage } from '../../src/model/http-messages.ts';
import { SimulatedKeyStore } from '../../src/model/key-store.ts';
import type { NetworkMessage } from '../../src/model/messages.ts';
import { Network } from '../../src/model/network.ts';
import { createHostRealm } from '../../src/providers/realm.ts';
import type { WorldContext } from '../../src/model/world-context.ts';
import { fakeWorld, runQueue } from './support.ts';

// One backend process as a host on a hand-built world, for the backend node's unit tests: two browsers, a
// source whose start and handler a test chooses, and a database that records what it is sent.

export type Answer = Extract<HttpMessage, { type: 'http-response' | 'http-failure' }>;

export interface Harness {
  readonly world: ReturnType<typeof fakeWorld>;
  readonly node: BackendNode;
  readonly answers: { readonly to: string; readonly answer: Answer }[];
  readonly disconnects: string[];
  readonly starts: { readonly env: BackendEnv; readonly machine: BackendMachine }[];
  readonly losing: Set<string>;
  readonly callers: string[];
  send(from: string, request: Partial<Extract<HttpMessage, { type: 'http-request' }>> & { id: string }): void;
}

/** One turn of the host's event loop: a backend's host work (Response bodies, light-my-request) moves on. */
export const hostTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Host turns and the world's events, in turn, until a backend's work and its answers have settled. */
export async function drain(harness: { readonly world: WorldContext }): Promise<void> {
  for (let turn = 0; turn < 6; turn++) {
    await hostTurn();
    await runQueue(harness.world);
  }
}

export function setUp(options: { handler?: FetchHandler; start?: () => Promise<StartedBackend>; pins?: Parameters<typeof fakeWorld>[0]; database?: (callers: string[], disconnects: string[]) => SimulatedDatabase | SessionDatabase } = {}): Harness {
  const world = fakeWorld({ backendLatencyMs: undefined, ...options.pins } as Parameters<typeof fakeWorld>[0]);
  const network = new Network(world);
  const answers: Harness['answers'] = [];
  for (const browser of ['c1', 'c2']) {
    network.attach({ id: browser, receive: (_from: string, message: NetworkMessage) => answers.push({ to: browser, answer: message as Answer }) }, 'http');
  }
  const realm = Object.assign(createHostRealm(), { bytes: (length: number) => new Uint8Array(length) });
  const starts: Harness['starts'] = [];
  const handler: FetchHandler = options.handler ?? (async (request) => Response.json({ path: new URL(request.url).pathname, method: request.method, body: request.body === null ? null : await request.text() }));
  const source: BackendSource = {
    label: '/app/backend.ts',
    realm,
    setup: async () => undefined,
    start: (env, machine) => {
      starts.push({ env, machine });
      return options.start?.() ?? Promise.resolve({ ok: true, handler });
    },
  };
  const disconnects: string[] = [];
  const callers: string[] = [];
  const database =
    options.database?.(callers, disconnects) ??
    ({
      engine: { exec: async () => [], query: async () => ({ rows: [] }) },
      disconnect: (origin: string) => disconnects.push(origin),
      submit: (caller: string, text: string) => {
        callers.push(`${caller}: ${text}`);
        return Promise.resolve({ rows: [] });
      },
    } as unknown as SimulatedDatabase);
  const losing = new Set<string>();
  const node = new BackendNode({
    address: 'backend#1',
    streamName: 'backend#1',
    world,
    network,
    source,
    database,
    keyStore: new SimulatedKeyStore(world, realm),
    clock: { skewMs: 0, driftPpm: 0, read: (virtualMs) => 1_000_000 + virtualMs, synchronise: () => undefined },
    losingNextResponse: losing,
  });
  network.attach(node, 'http');
  const send: Harness['send'] = (from, request) =>
    network.send(from, 'backend#1', { type: 'http-request', method: 'GET', url: `https://app.example/api/${request.id}`, headers: [], body: null, ...request });
  return { world, node, answers, disconnects, starts, losing, callers, send };
}

export const backendRecords = (harness: Harness) => harness.world.records.filter((record) => record.kind === 'backend').map((record) => ('event' in record ? `${record.event}: ${'detail' in record ? String(record.detail) : ''}` : ''));
export const summary = (harness: Harness) => harness.answers.map(({ to, answer }) => `${to} ${answer.id} ${answer.type === 'http-response' ? answer.status : answer.reason}`);
