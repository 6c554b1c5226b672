import { advice, type ReportFinding } from './nondeterminism.ts';
import type { SandboxHelpers } from './sandbox-helpers.ts';
import { fillFromStream, simulatedSubtle, type HostWorkTracker } from './simulated-subtle.ts';

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
  return new RoutedWebCrypto(parts);
}

/**
 * A class, not an object literal. As a literal with a `get subtle()` accessor, a provider that only named
 * `crypto` ran 1.5× slower than one that did not (as measured: every scavenge then promoted ~4 MB of the run
 * instead of ~0.7, and V8's `--no-allocation-site-pretenuring` removed the difference, so those objects were
 * being tenured with the run's closures behind them); as a class, or a literal without the accessor, it does
 * not. As in a browser,
 * `subtle` is an accessor on the prototype; `getRandomValues` and `randomUUID` stay own functions, so that a
 * provider may call them detached.
 */
class RoutedWebCrypto {
  readonly getRandomValues: <T extends ArrayBufferView | null>(array: T) => T;
  // Browsers expose `getRandomValues` everywhere, `randomUUID` and `subtle` only in secure contexts.
  readonly randomUUID: (() => string) | undefined;
  readonly #parts: CryptoParts;
  // Made on first use: most providers never touch SubtleCrypto, and every client of every run gets this object.
  #subtle: object | undefined;

  constructor(parts: CryptoParts) {
    this.#parts = parts;
    this.getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
      if (array === null || !isIntegerArray(array)) throw parts.helpers.error('getRandomValues: the data argument must be an integer-type TypedArray');
      if (array.byteLength > webCryptoBytesMax) throw parts.helpers.error('getRandomValues: the requested length exceeds 65,536 bytes');
      fillFromStream(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), parts.random);
      return array;
    };
    this.randomUUID = (parts.secureContext ?? true) ? () => uuidFrom(parts) : undefined;
  }

  get subtle(): object | undefined {
    const parts = this.#parts;
    if (!(parts.secureContext ?? true)) return undefined;
    const { hostWork } = parts;
    return (this.#subtle ??= hostWork === undefined ? globalThis.crypto.subtle : simulatedSubtle({ ...parts, hostWork }));
  }
}

/** node:crypto's members an instance gets its own version of: random sources routed, key generation reported. */
export const routedNodeCryptoNames: readonly string[] = [
  'randomBytes', 'pseudoRandomBytes', 'prng', 'rng', 'randomFillSync', 'randomFill', 'randomInt', 'randomUUID',
  'getRandomValues', 'webcrypto', 'subtle',
  'generateKeyPair', 'generateKeyPairSync', 'generateKey', 'generateKeySync', 'generatePrime', 'generatePrimeSync',
];
const keyGenerators: ReadonlySet<string> = new Set(routedNodeCryptoNames.slice(routedNodeCryptoNames.indexOf('generateKeyPair')));

/** What an instance's node:crypto is made from: the crypto parts, where findings go, and which routed names its code uses. */
export interface NodeCryptoParts extends CryptoParts {
  readonly report: ReportFinding;
  /** The instance's Web Crypto object (node:crypto's `webcrypto`), made when first asked for. */
  readonly webCrypto: () => object;
  /** Which of `routedNodeCryptoNames` the module's code names (a word scan; code using `eval` names them all). */
  readonly names: (name: string) => boolean;
}

/**
 * node:crypto for one instance: its random sources draw from the seeded stream, key generation is reported,
 * and everything deterministic (hashing, HMAC, key derivation, ciphers) is the real function, inherited from
 * one snapshot that every instance shares.
 *
 * The instance owns only the routed members its code names. A bundle imports a module through esbuild's
 * `__toESM`, which copies every own property as a getter, for every instance of every run: with node:crypto's
 * hundred members copied per instance (as before), or even the seventeen routed ones, a provider that only
 * calls `createHmac` spent more time making and collecting those copies than running — twice the time of a
 * provider without node:crypto. A routed member the code never names cannot be reached (the snapshot leaves
 * the routed names out, so the real random sources are never inherited), as with the instance globals.
 */
export function instrumentedNodeCrypto(real: object, parts: NodeCryptoParts): object {
  const instance = Object.create(snapshotOf(real)) as Record<string, unknown>;
  for (const name of routedNodeCryptoNames) {
    if (!parts.names(name)) continue;
    if (name === 'subtle') {
      // Read when used, as Web Crypto's own: most providers never touch SubtleCrypto.
      Object.defineProperty(instance, 'subtle', { get: () => (parts.webCrypto() as { subtle: unknown }).subtle, enumerable: true, configurable: true });
      continue;
    }
    const member = routedMember(name, real, parts);
    if (member !== undefined) instance[name] = member;
  }
  return instance;
}

function routedMember(name: string, real: object, parts: NodeCryptoParts): unknown {
  if (keyGenerators.has(name)) {
    const original = (real as Record<string, unknown>)[name];
    if (typeof original !== 'function') return undefined;
    return (...args: unknown[]): unknown => {
      parts.report(`crypto.${name}()`, advice.keyGeneration);
      return Reflect.apply(original, real, args);
    };
  }
  switch (name) {
    case 'randomBytes':
    case 'pseudoRandomBytes':
    case 'prng':
    case 'rng':
      return (size: unknown, callback?: unknown): Buffer => {
        const bytes = Buffer.alloc(checkedSize(size, 'size', parts));
        fillFromStream(bytes, parts.random);
        if (typeof callback === 'function') parts.later(() => callback(null, bytes));
        return bytes;
      };
    case 'randomFillSync':
      return (buffer: unknown, offset?: unknown, size?: unknown) => randomFill(buffer, [offset, size], parts);
    case 'randomFill':
      return (buffer: unknown, ...rest: unknown[]) => {
        const callback = rest.pop();
        if (typeof callback !== 'function') throw parts.helpers.error('randomFill: the callback must be a function');
        const filled = randomFill(buffer, rest, parts);
        parts.later(() => callback(null, filled));
      };
    case 'randomInt':
      return (...args: unknown[]) => randomInt(args, parts);
    case 'randomUUID':
      return () => uuidFrom(parts);
    case 'getRandomValues':
      return (parts.webCrypto() as { getRandomValues: unknown }).getRandomValues;
    case 'webcrypto':
      return parts.webCrypto();
    default:
      return undefined;
  }
}

// Names never read from the real module: an instance has its own, and some warn of deprecation when read.
const routedNames: ReadonlySet<string> = new Set(routedNodeCryptoNames);
const snapshots = new WeakMap<object, Record<string, unknown>>();

/**
 * node:crypto's members but the routed ones, as plain data properties, taken once per module object and
 * shared by every instance as its prototype. The snapshot stays writable so that assigning a member on an
 * instance makes it the instance's own (a frozen prototype would refuse the assignment) and never touches
 * another's.
 */
function snapshotOf(real: object): Record<string, unknown> {
  let snapshot = snapshots.get(real);
  if (snapshot === undefined) {
    const members: Record<string, unknown> = {};
    for (const name of Object.getOwnPropertyNames(real)) {
      if (!routedNames.has(name)) members[name] = (real as Record<string, unknown>)[name];
    }
    snapshot = members;
    snapshots.set(real, snapshot);
  }
  return snapshot;
}

function randomFill(buffer: unknown, [offset, size]: unknown[], parts: CryptoParts): unknown {
  const view = bytesOf(buffer);
  if (view === undefined) throw parts.helpers.error('randomFill: the buffer must be an ArrayBuffer or an ArrayBufferView');
  const start = offset === undefined ? 0 : checkedSize(offset, 'offset', parts);
  const length = size === undefined ? view.length - start : checkedSize(size, 'size', parts);
  if (start + length > view.length) throw parts.helpers.error('randomFill: offset + size exceeds the buffer');
  fillFromStream(view.subarray(start, start + length), parts.random);
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

function uuidFrom(parts: CryptoParts): string {
  const bytes = parts.helpers.bytes(16);
  fillFromStream(bytes, parts.random);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
