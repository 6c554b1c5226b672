import { sep } from 'node:path';

/**
 * The npm package a file belongs to, from the last `node_modules` folder in its path (`uuid`,
 * `@scope/name`), or undefined for a file outside every package (the provider's own files).
 */
export function packageOfPath(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const index = parts.lastIndexOf('node_modules');
  if (index < 0) return undefined;
  const first = parts[index + 1];
  if (first === undefined || first === '') return undefined;
  if (!first.startsWith('@')) return first;
  const second = parts[index + 2];
  return second === undefined ? first : `${first}/${second}`;
}

/** The path of a file inside its package (`build/Release/addon.node`), or the path itself outside one. */
export function pathInsidePackage(path: string): string {
  const name = packageOfPath(path);
  if (name === undefined) return path;
  const marker = `node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = path.lastIndexOf(marker);
  return at < 0 ? path : path.slice(at + marker.length);
}
