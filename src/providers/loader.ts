import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { bundleCache } from './bundle-cache.ts';
import { describeThrown, fail, ok, type Result } from '../errors.ts';
import { packageOfPath } from './package-name.ts';
import { standInModules } from './instance-require.ts';
import { compileInSandbox, type CompiledModule } from './sandbox.ts';
import { entryIsCommonJs, functionBody, importMetaName, routeOutsideModules } from './esm-body.ts';
import { leaveMissingOptionalPackages } from './missing-packages.ts';
import { refuseNativeAddons } from './unbundleable.ts';
import { refuseUnroutedDrivers } from '../database/postgres/unrouted-drivers.ts';
import { routedPackages } from '../database/postgres/pg-module.ts';
import type { SandboxMachine } from './sandbox-helpers.ts';

const supportedExtensions = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * Loads a provider module once so that it can be instantiated afresh for every simulated browser.
 *
 * The file, the local files it imports and the npm packages they import (resolved from the file's own
 * folder, as a browser bundle of the provider would be built) are bundled by esbuild into one ES module, made
 * into one function body (esm-body.ts; top-level await anywhere in the graph is kept); only node: built-ins
 * stay outside, reached through the instance's require, which routes them (see instance-require.ts). The body is
 * compiled once in the provider sandbox and then called once per client, so every simulated browser gets
 * its own copy of every package, as every browser tab does, and a package's clock, timers and randomness
 * are routed and reported like the provider's own. A fresh call is a fresh module instance whatever the
 * file's module system, which `import(url + '?client=2')` cannot promise (tsx loads .ts outside a package
 * as CommonJS, and the CommonJS cache ignores query strings), and it costs microseconds instead of a module
 * load. A package that loads a native addon cannot be bundled: the build fails naming it (exit 2).
 * `machine: 'server'` loads the integrator's backend the same way, on a server's globals (server-globals.ts).
 */
export async function loadProviderModule(pathGiven: string, machine: SandboxMachine = 'browser'): Promise<Result<CompiledModule>> {
  const path = resolve(pathGiven);
  const what = machine === 'server' ? 'backend' : 'provider';
  if (!existsSync(path) || !statSync(path).isFile()) {
    return fail({ kind: 'module-not-found', path, message: `${what} module not found: ${path}` });
  }
  if (!supportedExtensions.some((extension) => path.endsWith(extension))) {
    return fail({
      kind: 'module-invalid',
      path,
      message: `${what} module must be a ${supportedExtensions.join(', ')} file: ${path}`,
    });
  }
  const built = await bundleProvider(path, machine);
  if (!built.ok) return built;
  const code = built.value;
  try {
    const requireFromModule = createRequire(path);
    return ok(compileInSandbox({ code, path, directory: dirname(path), url: pathToFileURL(path).href, requireFromModule, machine }));
  } catch (error) {
    return fail({ kind: 'module-invalid', path, message: `cannot compile ${path}: ${describeThrown(error)}` });
  }
}

/**
 * How every provider is built; part of the cache key, so that a change here invalidates cached bundles. An ES
 * module, so that top-level await anywhere in the graph is kept, made into a function body (esm-body.ts).
 */
const buildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'silent',
  sourcemap: 'inline',
  metafile: true,
  define: { 'import.meta.url': '__rtcsimImportMetaUrl', 'import.meta': importMetaName },
  // A function compiled in a vm context has no dynamic-import hook: `import(x)` becomes a required module.
  supported: { 'dynamic-import': false },
} as const satisfies BuildOptions;

/**
 * A provider runs in a browser: its packages are resolved as a browser bundler resolves them — the `browser`
 * export condition and package.json's `browser` field (esbuild's browser platform) — so that a package with a browser build (axios
 * with its fetch and XHR adapters, not its node:http one) gives the provider the code a browser would run.
 * Node's built-ins stay outside the bundle, as on a server (routeOutsideModules): a provider that imports
 * node:crypto on purpose still gets it (routed, see instance-require.ts).
 */
const machineBuildOptions = {
  browser: { platform: 'browser' },
  server: {},
} as const satisfies Record<SandboxMachine, BuildOptions>;

// The outside modules are the same for every build: the sandbox's stand-ins and Node's built-ins.
// `pg` is answered by the simulated database (src/database/postgres/pg-module.ts), not bundled.
const routeOutside = routeOutsideModules([...standInModules, ...routedPackages]);

// The bundle is kept as the function body esm-body.ts makes of it: its code is part of the key.
const buildKey = (machine: SandboxMachine): string =>
  `esbuild ${esbuildVersion} ${functionBody.toString()} ${routeOutside.name} ${refuseNativeAddons.name} ${refuseUnroutedDrivers.name} ${leaveMissingOptionalPackages.name} ${JSON.stringify({ ...buildOptions, ...machineBuildOptions[machine] })}`;

/** The provider's bundle: from the cache when no file it was built from has changed, else built and kept. */
async function bundleProvider(path: string, machine: SandboxMachine): Promise<Result<string>> {
  const cache = bundleCache(path, buildKey(machine));
  const cached = cache.read();
  if (cached !== undefined) return ok(cached);
  try {
    const output = await build({ ...buildOptions, ...machineBuildOptions[machine], entryPoints: [path], plugins: [routeOutside, refuseNativeAddons, refuseUnroutedDrivers, leaveMissingOptionalPackages] });
    const body = functionBody(output.outputFiles[0]?.text ?? '', entryIsCommonJs(output.metafile));
    const inputs = Object.keys(output.metafile.inputs).map((input) => resolve(input));
    cache.write(body.code, inputs.filter((input) => existsSync(input)));
    return ok(body.code);
  } catch (error) {
    return fail({ kind: 'module-invalid', path, message: `cannot build ${path}: ${buildErrorText(error, path)}` });
  }
}

interface BuildMessage {
  readonly text: string;
  readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null;
}

// An error inside an npm package names the package: the user did not write that file, and may not know why
// it is bundled at all.
function buildErrorText(error: unknown, entry: string): string {
  const errors = (error as { errors?: BuildMessage[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.slice(0, 3).map((message) => describeBuildMessage(message, entry)).join('; ');
  }
  return describeThrown(error);
}

// A line in another of the user's files names that file: "line 11" alone would point into the entry.
function describeBuildMessage({ text, location }: BuildMessage, entry: string): string {
  if (!location) return text;
  const inPackage = packageOfPath(location.file);
  const where = `line ${location.line}:${location.column}`;
  if (inPackage === undefined) return resolve(location.file) === entry ? `${where} ${text}` : `${resolve(location.file)}:${location.line}:${location.column} ${text}`;
  if (text.includes(`"${inPackage}"`)) return `${text} (${location.file} ${where})`;
  return `package "${inPackage}" cannot be bundled (${location.file} ${where}): ${text}`;
}
