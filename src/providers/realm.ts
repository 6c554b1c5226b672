/** A promise and the functions that settle it, created in the realm the provider code runs in. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/**
 * Where provider code runs, and how its pending promise reactions are settled between two events.
 * `settle()` returns a promise only when it has to wait for the host event loop.
 */
export interface Realm {
  /**
   * A deferred whose reactions run in this realm's microtask queue. Its promise counts as handled, so that a
   * rejection the provider never awaits (a forgotten key-store write that fails) cannot crash the process;
   * what the provider does with it is still judged by its consequences in the run.
   */
  deferred<T>(): Deferred<T>;
  /**
   * Calls `onValue` or `onError` once when `thenable` settles, whatever the thenable does (calls back twice,
   * throws from `then`, never calls back). Plain values are passed to `onValue` at once.
   */
  observe(value: unknown, onValue: (value: unknown) => void, onError: (reason: unknown) => void): void;
  /** Notes that user code may have pending reactions: the next settle must drain them. */
  touch(): void;
  /** Runs every pending reaction of user code; returns a promise when it has to wait for the host. */
  settle(): Promise<void> | undefined;
}

// Deeper chains of thenables resolving to thenables are refused rather than followed without end.
const thenableDepthMax = 64;

/**
 * Adopts `value` like `await` would, but defensively: the first outcome wins, a throwing getter or `then`
 * rejects, and a thenable that resolves with another thenable is followed (at most 64 deep).
 */
export function adoptThenable(
  value: unknown,
  onValue: (value: unknown) => void,
  onError: (reason: unknown) => void,
  wrap: (callback: (argument: unknown) => void) => (argument: unknown) => void,
): void {
  let done = false;
  const once =
    (callback: (argument: unknown) => void) =>
    (argument: unknown): void => {
      if (done) return;
      done = true;
      callback(argument);
    };
  adopt(value, 0, { onValue: once(onValue), onError: once(onError), wrap });
}

interface Adoption {
  readonly onValue: (value: unknown) => void;
  readonly onError: (reason: unknown) => void;
  readonly wrap: (callback: (argument: unknown) => void) => (argument: unknown) => void;
}

function adopt(value: unknown, depth: number, adoption: Adoption): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    adoption.onValue(value);
    return;
  }
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error) {
    adoption.onError(error);
    return;
  }
  if (typeof then !== 'function') {
    adoption.onValue(value);
    return;
  }
  if (depth >= thenableDepthMax) {
    adoption.onError(new Error(`a chain of more than ${thenableDepthMax} thenables, each resolving to the next`));
    return;
  }
  // Like a promise's resolving functions: the first call wins, and a throw after it is ignored.
  let called = false;
  const resolve = (next: unknown): void => {
    if (called) return;
    called = true;
    adopt(next, depth + 1, adoption);
  };
  const reject = (reason: unknown): void => {
    if (called) return;
    called = true;
    adoption.onError(reason);
  };
  try {
    then.call(value, adoption.wrap(resolve), adoption.wrap(reject));
  } catch (error) {
    reject(error);
  }
}

/**
 * The host realm: for providers passed in as functions (the vitest helper, tests). Their reactions run in
 * Node's own microtask queue, so settling waits for one macrotask turn (setImmediate), which drains it.
 */
export function createHostRealm(): Realm {
  let dirty = false;
  return {
    deferred<T>(): Deferred<T> {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      // A provider may leave a key-store call unawaited: its failure must end up in the trace, not crash Node.
      promise.catch(() => undefined);
      return {
        promise,
        resolve(value) {
          dirty = true;
          resolve(value);
        },
        reject(reason) {
          dirty = true;
          reject(reason);
        },
      };
    },
    observe(value, onValue, onError) {
      dirty = true;
      adoptThenable(value, onValue, onError, (callback) => callback);
    },
    touch() {
      dirty = true;
    },
    settle() {
      if (!dirty) return undefined;
      dirty = false;
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
