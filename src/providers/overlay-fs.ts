import * as realFs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Volume } from 'memfs';

/**
 * A simulated machine's file system: the real files, read-only, under an in-memory layer (memfs) that takes
 * every write. A backend reads its project's files (migrations, templates) as they are on disk; what it writes,
 * appends, renames or removes lives in the layer — one per machine start — so a run neither touches the disk
 * nor depends on what an earlier run wrote. A real file is copied into the layer before it is changed or
 * opened; a file removed in the layer stays removed even though the disk still has it.
 *
 * Members are classified by what they do (reads, writes, descriptors); a member of node:fs the lists do not
 * name — watchers included, and any member a newer Node adds — is refused when called.
 */
export interface OverlayParts {
  /** The folder relative paths resolve against: the machine's `process.cwd()`. */
  readonly directory: string;
  /** Reports `api` as a finding and throws why it is refused. */
  readonly refuse: (api: string) => never;
}

// Reads of one path: answered by the layer when it has the path (or removed it), by the disk otherwise.
const reads = ['access', 'exists', 'readFile', 'stat', 'lstat', 'readdir', 'readlink', 'realpath', 'opendir', 'statfs'];
// Writes to one path: the layer takes them, after copying up the real file they change.
const writes = ['writeFile', 'appendFile', 'mkdir', 'rm', 'rmdir', 'unlink', 'truncate', 'chmod', 'chown', 'lchown', 'utimes', 'lutimes', 'open', 'mkdtemp'];
// Two paths, the first read and the second written.
const twoPaths = ['rename', 'copyFile', 'cp', 'link', 'symlink'];
// Descriptors: every descriptor is the layer's (open copies up first).
const descriptors = [
  'close', 'read', 'write', 'readv', 'writev', 'fstat', 'fsync', 'fdatasync', 'ftruncate', 'futimes', 'fchmod', 'fchown',
];
const values = ['constants', 'Stats', 'Dirent', 'Dir', 'F_OK', 'R_OK', 'W_OK', 'X_OK'];

type AnyFunction = (...args: unknown[]) => unknown;

/** The overlay's `node:fs` (with `promises`), for one machine start. */
export function overlayFileSystem(parts: OverlayParts): Record<string, unknown> {
  const layer = new Volume();
  const removed = new Set<string>();
  const absolute = (path: unknown): string => resolve(parts.directory, path instanceof URL ? fileURLToPath(path) : String(path));
  const inLayer = (path: string): boolean => removed.has(path) || layer.existsSync(path);
  const copyUp = (path: string): void => {
    layer.mkdirSync(dirname(path), { recursive: true });
    if (layer.existsSync(path) || removed.has(path)) return;
    const stat = realFs.statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory() === true) layer.mkdirSync(path, { recursive: true });
    else if (stat?.isFile() === true) layer.writeFileSync(path, realFs.readFileSync(path));
  };
  const written = (path: string): void => {
    copyUp(path);
    removed.delete(path);
  };
  const made = (variant: 'Sync' | '' | 'promises', name: string): AnyFunction => {
    const layerTarget = (variant === 'promises' ? layer.promises : layer) as unknown as Record<string, AnyFunction>;
    const realTarget = (variant === 'promises' ? realFs.promises : realFs) as unknown as Record<string, AnyFunction>;
    const member = variant === 'Sync' ? `${name}Sync` : name;
    const call = (target: Record<string, AnyFunction>, args: unknown[]): unknown => (target[member] as AnyFunction).apply(target, args);
    if (reads.includes(name)) {
      return (...args: unknown[]) => {
        const path = absolute(args[0]);
        return call(inLayer(path) ? layerTarget : realTarget, [path, ...args.slice(1)]);
      };
    }
    if (writes.includes(name)) {
      return (...args: unknown[]) => {
        const path = absolute(args[0]);
        written(path);
        const result = call(layerTarget, [path, ...args.slice(1)]);
        if (name === 'rm' || name === 'rmdir' || name === 'unlink') removed.add(path);
        return result;
      };
    }
    return (...args: unknown[]) => {
      const from = absolute(args[0]);
      const to = absolute(args[1]);
      copyUp(from);
      written(to);
      const result = call(layerTarget, [from, to, ...args.slice(2)]);
      if (name === 'rename') removed.add(from);
      return result;
    };
  };
  const exports: Record<string, unknown> = {};
  for (const name of [...reads, ...writes, ...twoPaths]) {
    exports[name] = made('', name);
    exports[`${name}Sync`] = made('Sync', name);
  }
  for (const name of descriptors) {
    exports[name] = (layer as unknown as Record<string, AnyFunction>)[name]?.bind(layer);
    exports[`${name}Sync`] = (layer as unknown as Record<string, AnyFunction>)[`${name}Sync`]?.bind(layer);
  }
  exports['createReadStream'] = (path: unknown, options?: unknown) => {
    const target = absolute(path);
    return inLayer(target) ? layer.createReadStream(target, options as never) : realFs.createReadStream(target, options as never);
  };
  exports['createWriteStream'] = (path: unknown, options?: unknown) => {
    const target = absolute(path);
    written(target);
    return layer.createWriteStream(target, options as never);
  };
  // resolve, enhanced-resolve and others call the native variant.
  exports['realpathSync'] = Object.assign(exports['realpathSync'] as AnyFunction, { native: exports['realpathSync'] });
  exports['realpath'] = Object.assign(exports['realpath'] as AnyFunction, { native: exports['realpath'] });
  for (const name of values) exports[name] = (realFs as unknown as Record<string, unknown>)[name];
  const promises: Record<string, unknown> = {};
  for (const name of [...reads, ...writes, ...twoPaths]) promises[name] = made('promises', name);
  promises['constants'] = realFs.constants;
  exports['promises'] = refusingTheRest('fs.promises', realFs.promises, promises, parts.refuse);
  return refusingTheRest('fs', realFs, exports, parts.refuse);
}

/** `made` plus, for every other function member of the real module, one that refuses when called. */
function refusingTheRest(owner: string, real: object, made: Record<string, unknown>, refuse: (api: string) => never): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(real)) {
    const value = (real as Record<string, unknown>)[key];
    if (key in made && made[key] !== undefined) result[key] = made[key];
    else if (typeof value === 'function') result[key] = { [key]: function (): never { return refuse(`${owner}.${key}()`); } }[key];
  }
  for (const [key, value] of Object.entries(made)) if (!(key in result) && value !== undefined) result[key] = value;
  return result;
}
