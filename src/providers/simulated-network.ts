import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import { withOnlyMembers } from './builtin-policy.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';

/** Where a server machine's outgoing TCP connection is headed. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * THE hook for a backend's outgoing connections: given where a `net.Socket` (or `net.connect`, or anything
 * built on them, such as the `pg` package) connects, it returns a duplex stream inside the simulation that
 * plays the other end — the run's database, for its URL's host and port — or `undefined`, and the connection
 * is refused and reported as a finding naming it. The socket the backend holds wraps that duplex: what it
 * writes goes to the duplex, what the duplex pushes the backend reads. Set on the machine (`BackendMachine`'s
 * `connections`); absent, every connection is refused.
 */
export type RoutedConnection = (target: ConnectionTarget) => Duplex | undefined;

/** What the simulated network modules of one instance need. */
export interface NetworkParts {
  readonly helpers: SandboxHelpers;
  /** Runs `task` as a sandbox microtask. */
  readonly later: (task: () => void) => void;
  /** The machine's connection router, read when a socket connects (absent: refused). */
  readonly routedConnection: () => RoutedConnection | undefined;
  /** Reports `api` as a finding and throws, in the sandbox's realm, `why`. */
  readonly refuse: (api: string, why: string) => never;
}

/** Why a server's listener is refused: rtc-sim serves the backend over the simulated network. */
export const listenAdvice = 'createBackend(env) returns the handler or app, rtc-sim serves it (do not listen)';
/** Why an outgoing connection, lookup or datagram is refused. */
export const outgoingAdvice = 'outgoing connections are not simulated unless the world routes them (its database); nothing reached the real network';

const listeners: ReadonlySet<string> = new Set(['createServer', 'createSecureServer', 'Server', 'listen']);

// The members of each network module that compute without opening anything: the rest is routed or refused.
const pureMembers: Readonly<Record<string, readonly string[]>> = {
  net: ['isIP', 'isIPv4', 'isIPv6', 'BlockList', 'SocketAddress', 'getDefaultAutoSelectFamily', 'getDefaultAutoSelectFamilyAttemptTimeout'],
  http: ['METHODS', 'STATUS_CODES', 'IncomingMessage', 'ServerResponse', 'OutgoingMessage', 'validateHeaderName', 'validateHeaderValue', 'maxHeaderSize'],
  https: [],
  http2: ['constants', 'getDefaultSettings', 'getPackedSettings', 'getUnpackedSettings', 'sensitiveHeaders', 'Http2ServerRequest', 'Http2ServerResponse'],
  tls: ['CLIENT_RENEG_LIMIT', 'CLIENT_RENEG_WINDOW', 'DEFAULT_CIPHERS', 'DEFAULT_ECDH_CURVE', 'DEFAULT_MIN_VERSION', 'DEFAULT_MAX_VERSION', 'getCiphers', 'rootCertificates', 'checkServerIdentity', 'createSecureContext', 'SecureContext'],
};

const hostRequire = createRequire(import.meta.url);

/**
 * A server machine's network module `name` (without `node:`): its pure members real, `net.Socket`,
 * `net.connect` and `net.createConnection` routed through `routedConnection`, and everything else — servers,
 * agents, requests, TLS sockets, datagrams, name lookups, any member a newer Node adds — refused when used.
 */
export function simulatedNetworkModule(name: string, parts: NetworkParts): object {
  const refuse = (api: string): never => parts.refuse(api, listeners.has(api.replace(/^new /, '').replace(/\(\)$/, '').split('.').pop() ?? '') ? listenAdvice : outgoingAdvice);
  const copy = withOnlyMembers(name, hostRequire(`node:${name}`) as object, new Set(pureMembers[name] ?? []), refuse) as Record<string, unknown>;
  if (name !== 'net') return copy;
  const Socket = simulatedSocketClass(parts);
  const connect = (...args: unknown[]): Duplex => new Socket().connect(...args);
  return Object.assign(copy, { Socket, Stream: Socket, connect, createConnection: connect });
}

/** `net.Socket` on a server machine: a duplex whose `connect` goes where `routedConnection` says, or is refused. */
function simulatedSocketClass(parts: NetworkParts): new () => Duplex & { connect(...args: unknown[]): Duplex } {
  return class Socket extends Duplex {
    connecting = false;
    remoteAddress: string | undefined;
    remotePort: number | undefined;
    private inner: Duplex | undefined;

    connect(...args: unknown[]): this {
      const { target, callback } = connectArguments(args);
      const routed = target === undefined ? undefined : parts.routedConnection()?.(target);
      if (routed === undefined) {
        const where = target === undefined ? 'a local socket path' : `${target.host}:${target.port}`;
        parts.refuse(`net.Socket.connect() to ${where}`, outgoingAdvice);
      }
      if (callback !== undefined) this.once('connect', callback);
      this.attach(routed as Duplex, target as ConnectionTarget);
      return this;
    }

    private attach(inner: Duplex, target: ConnectionTarget): void {
      this.inner = inner;
      this.connecting = true;
      this.remoteAddress = target.host;
      this.remotePort = target.port;
      inner.on('data', (chunk: Buffer) => this.push(chunk));
      inner.on('end', () => this.push(null));
      inner.on('error', (error: Error) => this.destroy(error));
      parts.later(() => {
        this.connecting = false;
        this.emit('connect');
        this.emit('ready');
      });
    }

    override _read(): void {
      this.inner?.resume();
    }

    override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
      if (this.inner === undefined) callback(parts.helpers.error('rtc-sim: the socket is not connected'));
      else this.inner.write(chunk, encoding, callback);
    }

    override _final(callback: (error?: Error | null) => void): void {
      this.inner?.end();
      callback();
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
      this.inner?.destroy();
      callback(error);
    }

    setNoDelay(): this {
      return this;
    }
    setKeepAlive(): this {
      return this;
    }
    setTimeout(): this {
      return this;
    }
    ref(): this {
      return this;
    }
    unref(): this {
      return this;
    }
  };
}

/** `connect(port, host?, cb?)`, `connect({ port, host }, cb?)` or `connect({ path }, cb?)`, normalised. */
function connectArguments(args: readonly unknown[]): { target: ConnectionTarget | undefined; callback: (() => void) | undefined } {
  const callback = args.find((argument) => typeof argument === 'function') as (() => void) | undefined;
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { port?: unknown; host?: unknown; path?: unknown };
    if (options.path !== undefined) return { target: undefined, callback };
    return { target: { host: typeof options.host === 'string' ? options.host : 'localhost', port: Number(options.port) }, callback };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { target: undefined, callback };
  return { target: { host: typeof second === 'string' ? second : 'localhost', port: Number(first) }, callback };
}
