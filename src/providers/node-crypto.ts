import { advice, type ReportFinding } from './nondeterminism.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { simulatedSubtle, type HostWorkTracker } from './simulated-subtle.ts';

/** What the routed crypto APIs draw from and how they hand work to the sandbox. */
export interface CryptoParts {
  /** The client's seeded float stream in [0, 1). */
  readonly random: () => number;
  readonly helpers: SandboxHelpers;
  /** Runs a callback as a sandbox microtask (and marks the realm as having work to settle). */
  readonly later: (task: () => void) => void;
  /** False on a page outside a secure context: SubtleCrypto and `randomUUID` are then absent (default true). */
  readonly secureContext?: boolean;
  /** Where `crypto.subtle`'s real work is handed so that its answers arrive inside the simulation; absent: the host's own. */
  readonly hostWork?: HostWorkTracker | undefined;
}

// More than any key provider needs, small enough that one call cannot stall a run (one draw per byte).
const routedBytesMax = 1 << 20;
const webCryptoBytesMax = 65_536;

/** The Web Crypto object of one instance: `getRandomValues` and `randomUUID` draw from the seeded stream. */
export function routedWebCrypto(parts: CryptoParts): object {
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null || !isIntegerArray(array)) throw parts.helpers.error('getRandomValues: the data argument must be an integer-type TypedArray');
    if (array.byteLength > webCryptoBytesMax) throw parts.helpers.error('getRandomValues: the requested length exceeds 65,536 bytes');
    fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), parts.random);
    return array;
  };
  // Browsers expose `getRandomValues` everywhere, `randomUUID` and `subtle` only in secure contexts.
  const secure = parts.secureContext ?? true;
  const { hostWork } = parts;
  // Made on first use: most providers never touch SubtleCrypto, and every client of every run gets this object.
  let subtle: object | undefined;
  return {
    getRandomValues,
    randomUUID: secure ? () => uuidFrom(parts) : undefined,
    get subtle() {
      if (!secure) return undefined;
      return (subtle ??= hostWork === undefined ? globalThis.crypto.subtle : simulatedSubtle({ ...parts, hostWork }));
    },
  };
}

/**
 * A copy of node:crypto for one instance: its random sources draw from the seeded stream, key generation is
 * reported, and everything deterministic (hashing, HMAC, key derivation, ciphers) is the real function.
 */
export function instrumentedNodeCrypto(real: object, parts: CryptoParts & { readonly report: ReportFinding; readonly webCrypto: object }): object {
  const copy = copyOf(snapshotOf(real));
  const randomBytes = (size: unknown, callback?: unknown): Buffer => {
    const bytes = Buffer.alloc(checkedSize(size, 'size', parts));
    fill(bytes, parts.random);
    if (typeof callback === 'function') parts.later(() => callback(null, bytes));
    return bytes;
  };
  const webCrypto = parts.webCrypto as { getRandomValues: unknown; subtle: unknown };
  const routed: Record<string, unknown> = {
    randomBytes,
    pseudoRandomBytes: randomBytes,
    prng: randomBytes,
    rng: randomBytes,
    randomFillSync: (buffer: unknown, offset?: unknown, size?: unknown) => randomFill(buffer, [offset, size], parts),
    randomFill: (buffer: unknown, ...rest: unknown[]) => {
      const callback = rest.pop();
      if (typeof callback !== 'function') throw parts.helpers.error('randomFill: the callback must be a function');
      const filled = randomFill(buffer, rest, parts);
      parts.later(() => callback(null, filled));
    },
    randomInt: (...args: unknown[]) => randomInt(args, parts),
    randomUUID: () => uuidFrom(parts),
    getRandomValues: webCrypto.getRandomValues,
    webcrypto: parts.webCrypto,
    subtle: webCrypto.subtle,
  };
  for (const name of ['generateKeyPair', 'generateKeyPairSync', 'generateKey', 'generateKeySync', 'generatePrime', 'generatePrimeSync']) {
    const original = copy[name];
    if (typeof original !== 'function') continue;
    routed[name] = (...args: unknown[]): unknown => {
      parts.report(`crypto.${name}()`, advice.keyGeneration);
      return Reflect.apply(original, real, args);
    };
  }
  return Object.assign(copy, routed);
}

// Names whose real getters are never read: they are replaced, and some warn of deprecation when read.
const replacedNames = new Set(['webcrypto', 'subtle', 'getRandomValues', 'prng', 'pseudoRandomBytes', 'rng']);
const snapshots = new WeakMap<object, Readonly<Record<string, unknown>>>();

/**
 * node:crypto's members as plain data properties, taken once per module object: copying them per instance
 * is then a plain copy (copying property descriptors costs ten times more, for every simulated client).
 */
function snapshotOf(real: object): Readonly<Record<string, unknown>> {
  let snapshot = snapshots.get(real);
  if (snapshot === undefined) {
    const members: Record<string, unknown> = {};
    for (const name of Object.getOwnPropertyNames(real)) {
      if (!replacedNames.has(name)) members[name] = (real as Record<string, unknown>)[name];
    }
    snapshot = Object.freeze(members);
    snapshots.set(real, snapshot);
  }
  return snapshot;
}

// A plain loop over the names: Object.assign and spread took four times longer here, for every instance.
function copyOf(snapshot: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(snapshot)) copy[name] = snapshot[name];
  return copy;
}

function randomFill(buffer: unknown, [offset, size]: unknown[], parts: CryptoParts): unknown {
  const view = bytesOf(buffer);
  if (view === undefined) throw parts.helpers.error('randomFill: the buffer must be an ArrayBuffer or an ArrayBufferView');
  const start = offset === undefined ? 0 : checkedSize(offset, 'offset', parts);
  const length = size === undefined ? view.length - start : checkedSize(size, 'size', parts);
  if (start + length > view.length) throw parts.helpers.error('randomFill: offset + size exceeds the buffer');
  fill(view.subarray(start, start + length), parts.random);
  return buffer;
}

function randomInt(args: unknown[], parts: CryptoParts): number | undefined {
  const callback = typeof args.at(-1) === 'function' ? (args.pop() as (error: null, value: number) => void) : undefined;
  const [min, max] = args.length >= 2 ? args : [0, args[0]];
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw parts.helpers.error('randomInt: min and max must be safe integers');
  const low = min as number;
  const high = max as number;
  if (high <= low || high - low > 2 ** 48) throw parts.helpers.error(`randomInt: max must be greater than min, by at most 2**48 (got ${low}, ${high})`);
  const value = low + Math.floor(parts.random() * (high - low));
  if (callback === undefined) return value;
  parts.later(() => callback(null, value));
  return undefined;
}

function checkedSize(value: unknown, name: string, parts: CryptoParts): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > routedBytesMax) {
    throw parts.helpers.error(`the value of "${name}" must be an integer from 0 to ${routedBytesMax} in the simulation, got ${String(value)}`);
  }
  return value;
}

function bytesOf(buffer: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (Object.prototype.toString.call(buffer) === '[object ArrayBuffer]') return new Uint8Array(buffer as ArrayBuffer);
  return undefined;
}

function isIntegerArray(array: ArrayBufferView): boolean {
  const tag = Object.prototype.toString.call(array);
  return /^\[object ((Int|Uint)(8|16|32)|Uint8Clamped|Big(Int|Uint)64)Array\]$/.test(tag);
}

function fill(bytes: Uint8Array, random: () => number): void {
  for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(random() * 256);
}

function uuidFrom(parts: CryptoParts): string {
  const bytes = parts.helpers.bytes(16);
  fill(bytes, parts.random);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
