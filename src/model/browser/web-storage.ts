/** What one storage area holds: keys and values in the order they were first set (the order `key(i)` answers). */
export class StorageArea {
  readonly items = new Map<string, string>();
  /** UTF-16 code units held, keys and values: what the quota counts. */
  used = 0;
}

/** A change to a storage area, as a `storage` event tells it to the profile's other tabs. */
export interface StorageChange {
  readonly key: string | null;
  readonly oldValue: string | null;
  readonly newValue: string | null;
}

/**
 * How much one origin may keep in one area: 5 MiB as browsers count it (UTF-16 code units of keys and values;
 * Chrome and Firefox allow about 5 million). A write past it throws `QuotaExceededError`, as theirs do.
 */
export const storageQuotaUnits = 5 * 1024 * 1024;

const storageMethods = new Set(['getItem', 'setItem', 'removeItem', 'clear', 'key', 'length']);

/**
 * A `localStorage` or `sessionStorage` over one area: the Web Storage API (`getItem`, `setItem`,
 * `removeItem`, `clear`, `key`, `length`) and its named properties (`localStorage.token = 'x'`,
 * `Object.keys(localStorage)`, `delete localStorage.token`), synchronous as in a browser. `onChange` hears
 * every change that changed something (the `storage` events of the other tabs are made from it).
 */
export function webStorage(area: StorageArea, onChange: (change: StorageChange) => void = () => undefined): Storage {
  const api = {
    get length(): number {
      return area.items.size;
    },
    key(index: number): string | null {
      // The index as Web IDL's unsigned long: NaN (a missing or non-numeric argument) is 0, -1 is 2³² − 1.
      return [...area.items.keys()][Number(index) >>> 0] ?? null;
    },
    getItem(key: unknown): string | null {
      return area.items.get(String(key)) ?? null;
    },
    setItem(key: unknown, value: unknown): void {
      if (arguments.length < 2) throw new TypeError(`Failed to execute 'setItem' on 'Storage': 2 arguments required, but only ${arguments.length} present.`);
      const name = String(key);
      const text = String(value);
      const old = area.items.get(name);
      if (old === text) return;
      const used = area.used - (old === undefined ? 0 : name.length + old.length) + name.length + text.length;
      if (used > storageQuotaUnits) throw new DOMException(`Failed to execute 'setItem' on 'Storage': Setting the value of '${name}' exceeded the quota.`, 'QuotaExceededError');
      area.items.set(name, text);
      area.used = used;
      onChange({ key: name, oldValue: old ?? null, newValue: text });
    },
    removeItem(key: unknown): void {
      const name = String(key);
      const old = area.items.get(name);
      if (old === undefined) return;
      area.items.delete(name);
      area.used -= name.length + old.length;
      onChange({ key: name, oldValue: old, newValue: null });
    },
    clear(): void {
      if (area.items.size === 0) return;
      area.items.clear();
      area.used = 0;
      onChange({ key: null, oldValue: null, newValue: null });
    },
  };
  // Named properties: an item shadows nothing of the API (as in browsers, `localStorage.length` is the count).
  return new Proxy(api, {
    get: (target, key, receiver) => (typeof key === 'string' && !storageMethods.has(key) && area.items.has(key) ? area.items.get(key) : Reflect.get(target, key, receiver)),
    set: (target, key, value) => {
      if (typeof key !== 'string' || storageMethods.has(key)) return Reflect.set(target, key, value);
      target.setItem(key, value);
      return true;
    },
    deleteProperty: (target, key) => {
      if (typeof key === 'string' && !storageMethods.has(key)) target.removeItem(key);
      return true;
    },
    has: (target, key) => (typeof key === 'string' && area.items.has(key)) || Reflect.has(target, key),
    ownKeys: () => [...area.items.keys()],
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && area.items.has(key) ? { value: area.items.get(key), writable: true, enumerable: true, configurable: true } : undefined,
  }) as unknown as Storage;
}
