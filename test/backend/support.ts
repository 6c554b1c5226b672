import type { BackendEnv, FetchHandler } from '../../src/backend/contract.ts';
import type { BackendMachine, BackendSource } from '../../src/backend/load.ts';
import type { KeyStore } from '../../src/providers/types.ts';
import { settling as settleOutside } from '../../src/backend/settling.ts';
import { memoryKeyStore as mapKeyStore } from '../../src/model/backend-database.ts';

/** 2026-01-01T00:00:00Z: the backend machine's clock in these tests. */
export const backendClockMs = Date.UTC(2026, 0, 1);

/** A key store answering at once, as host promises. */
export function memoryKeyStore(): KeyStore & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return Object.assign(mapKeyStore(entries), { entries });
}

/** A backend env on a fixed clock; the database is not used by these backends and throws if it is. */
export function testEnv(clockMs = backendClockMs): BackendEnv & { readonly keyStore: ReturnType<typeof memoryKeyStore> } {
  const unused = (): never => {
    throw new Error('env.db is not used in these tests');
  };
  let draws = 0;
  return {
    db: { query: unused, exec: unused, transaction: unused, waitReady: Promise.resolve(), ready: true, closed: false, close: async () => undefined },
    keyStore: memoryKeyStore(),
    now: () => clockMs,
    random: () => (draws++ % 10) / 10,
    randomBytes: (length) => new Uint8Array(length),
    sleep: async () => undefined,
  };
}

/** A machine that keeps what the backend logs, the findings and the problems it reports. */
export function testMachine(): BackendMachine & { readonly logs: string[]; readonly problems: unknown[]; readonly findings: unknown[] } {
  const logs: string[] = [];
  const problems: unknown[] = [];
  const findings: unknown[] = [];
  return { logs, problems, findings, elapsed: () => 0, log: (level, text) => logs.push(`${level} ${text}`), problem: (problem) => problems.push(problem), report: (finding) => findings.push(finding) };
}

/** Awaits `promise` while settling the backend's realm between host turns, as src/backend/settling.ts does; throws if it hangs. */
export async function settling<T>(source: Pick<BackendSource, 'realm'>, promise: Promise<T>): Promise<T> {
  const settled = await settleOutside(source.realm, promise, 1000);
  if (!settled.ok) throw new Error('the backend did not answer within 1000 host turns');
  return settled.value;
}

/** Serves one request with `handler`, settling the backend's realm meanwhile. */
export function serve(source: Pick<BackendSource, 'realm'>, handler: FetchHandler, request: Request): Promise<Response> {
  return settling(source, handler(request));
}
