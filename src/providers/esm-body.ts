import { builtinModules } from 'node:module';
import type { Metafile, Plugin } from 'esbuild';

/**
 * Why the user's code is bundled as an ES module and then turned into a function body here: top-level await
 * is allowed only in ES modules (esbuild refuses it in CommonJS and IIFE output), while the sandbox needs one
 * compiled body that it can call once per simulated browser or backend process for a fresh module instance
 * (`vm.SourceTextModule`, the other way to evaluate a module in a context, needs a Node flag and links each
 * instance anew). An esbuild ESM bundle is one flat scope whose only module syntax is its imports of what stayed
 * outside and one `export { … }` clause at the end; `routeOutsideModules` removes the imports (every
 * outside module is reached through the instance's `require`, which routes built-ins), and `functionBody`
 * turns the clause into getters on `module.exports` (`defineLiveExports`). Await at the top of any module of the graph stays an
 * `await` in the body, which the sandbox then compiles as an async function.
 */

/** The parameter through which an outside module is reached (the instance's `require`). */
export const outsideRequireName = '__rtcsimRequire';

/** The parameter that stands for `import.meta` (`url`, `dirname`, `filename`). */
export const importMetaName = '__rtcsimImportMeta';

/** The parameter through which the body defines its live exports (`defineLiveExports`). */
export const liveExportsName = '__rtcsimExports';

// Where an instance's exports object keeps its readers: a symbol of this module, not enumerable.
const readersOfExports = Symbol('rtc-sim live exports');
const sharedGetters = new Map<string, (this: { readonly [readersOfExports]: Record<string, () => unknown> }) => unknown>();

/**
 * Defines `target`'s live exports: each name a getter that calls its reader (`() => local`). The getters are
 * shared by every instance and find the instance's readers through `this`: a getter made per instance lands in
 * an accessor pair that V8 allocates in its old generation, and through the getter's closure the instance's
 * module scope and its whole run then outlived every young collection until the next full one.
 */
export function defineLiveExports(target: object, readers: Record<string, () => unknown>): void {
  Object.defineProperty(target, readersOfExports, { value: readers });
  for (const name of Object.keys(readers)) {
    let get = sharedGetters.get(name);
    if (get === undefined) {
      get = function (this: { readonly [readersOfExports]: Record<string, () => unknown> }) {
        return this[readersOfExports][name]?.();
      };
      sharedGetters.set(name, get);
    }
    Object.defineProperty(target, name, { get, enumerable: true });
  }
}

const outsideNamespace = 'rtc-sim-outside';

/**
 * An esbuild plugin that turns every import of a Node built-in or of `names` (the sandbox's stand-ins) into a
 * small CommonJS module reading it through the instance's `require`, instead of an external `import`.
 */
export function routeOutsideModules(names: readonly string[]): Plugin {
  const outside = new Set([...names, ...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  return {
    name: 'rtc-sim-route-outside-modules',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => (outside.has(args.path) ? { path: args.path, namespace: outsideNamespace } : undefined));
      build.onLoad({ filter: /.*/, namespace: outsideNamespace }, (args) => ({ contents: `module.exports = ${outsideRequireName}(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

/** A bundle as a function body (the sandbox compiles it as an async function when it awaits at its top). */
export interface ModuleBody {
  readonly code: string;
}

// The bundle's one export statement: esbuild writes it last, followed only by comments (license notes, the
// source map), which are set aside first so that an `export` inside them is never taken for it.
const exportClause = /(?:^|\n)export\s*\{([^}]*)\};?\s*$/;
const exportDefault = /(?:^|\n)export default (require_[\w$]+\(\));?\s*$/;

/**
 * The ESM bundle as a function body over `module`: an ES entry's exports become live getters on
 * `module.exports` (set first, as an ES module's bindings exist before its body runs); a CommonJS entry's
 * `module.exports` becomes the instance's exports, as Node's `import` of it gives `default`. An import left in
 * the bundle (a package imported as an ES module and not installed) fails when the body is compiled.
 */
export function functionBody(bundle: string, entryIsCommonJs: boolean): ModuleBody {
  const end = codeEnd(bundle);
  const code = bundle.slice(0, end);
  const comments = bundle.slice(end);
  const commonJs = exportDefault.exec(code);
  if (commonJs !== null) {
    const value = commonJs[1] ?? '';
    const head = code.slice(0, commonJs.index);
    if (entryIsCommonJs) return { code: `${head}\nmodule.exports = ${value};${comments}` };
    return { code: `${liveExportsName}(module.exports, { default: () => __rtcsimDefault });${head}\nconst __rtcsimDefault = ${value};${comments}` };
  }
  const clause = exportClause.exec(code);
  if (clause === null) return { code: bundle };
  const readers = (clause[1] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '').map(readerFor);
  // The readers share the first line, so that line numbers in stack traces stay those of the bundle.
  return { code: `${liveExportsName}(module.exports, { ${readers.join(', ')} });${code.slice(0, clause.index)}\n${comments}` };
}

/** Where the bundle's code ends: before its trailing `/* … */` blocks and `//` lines. */
function codeEnd(bundle: string): number {
  let end = bundle.length;
  for (;;) {
    while (end > 0 && /\s/.test(bundle[end - 1] ?? '')) end--;
    if (bundle.slice(0, end).endsWith('*/')) {
      const start = bundle.lastIndexOf('/*', end - 2);
      if (start < 0) return end;
      end = start;
      continue;
    }
    const lineStart = bundle.lastIndexOf('\n', end - 1) + 1;
    if (bundle.slice(lineStart, end).trimStart().startsWith('//')) {
      end = lineStart;
      continue;
    }
    return end;
  }
}

function readerFor(part: string): string {
  const [local = '', exported = local] = part.split(/\s+as\s+/);
  return `${JSON.stringify(exported.replace(/^"(.*)"$/, '$1'))}: () => ${local}`;
}

/** The entry point's format in esbuild's metafile: `cjs` when its module system is CommonJS. */
export function entryIsCommonJs(metafile: Metafile): boolean {
  const output = Object.values(metafile.outputs)[0];
  const entry = output?.entryPoint === undefined ? undefined : metafile.inputs[output.entryPoint];
  return entry?.format === 'cjs';
}
