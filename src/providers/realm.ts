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
  /** A deferred whose reactions run in this realm's microtask queue. */
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

/** Adopts `value` like `await` would, but defensively: the first outcome wins, a throwing getter rejects. */
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
  const succeed = once(onValue);
  const fail = once(onError);
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    succeed(value);
    return;
  }
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error) {
    fail(error);
    return;
  }
  if (typeof then !== 'function') {
    succeed(value);
    return;
  }
  try {
    then.call(value, wrap(succeed), wrap(fail));
  } catch (error) {
    fail(error);
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
