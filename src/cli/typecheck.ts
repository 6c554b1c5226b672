import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type * as TypeScript from 'typescript';
import { describeThrown } from '../errors.ts';
import { packageRoot } from '../package-root.ts';
import { checkWithTypeScriptBinary, type CompilerError } from './typecheck-binary.ts';

/**
 * When a TypeScript module is type-checked (`--typecheck`): `auto` (no flag) when a tsconfig.json lies beside
 * it or above it within its package, `warn` (`--typecheck`) always, `strict` (`--typecheck strict`) always
 * and errors stop the command, `off` (`--no-typecheck`) never.
 */
export type TypecheckMode = 'auto' | 'warn' | 'strict' | 'off';

/** The values `--typecheck` takes. */
export const typecheckChoices = ['warn', 'strict'] as const;

export type { CompilerError } from './typecheck-binary.ts';

/** What a type-check found, for one module. */
export type TypecheckOutcome =
  | { readonly kind: 'skipped' }
  | { readonly kind: 'clean'; readonly module: string }
  | { readonly kind: 'errors'; readonly module: string; readonly tsconfig: string | undefined; readonly version: string; readonly errors: readonly CompilerError[] }
  | { readonly kind: 'unavailable'; readonly module: string; readonly message: string };

const typeScriptFile = /\.(c|m)?tsx?$/;

/** How many errors are printed; the rest are counted. */
const messagesShownMax = 20;

/**
 * Type-checks a user's TypeScript module (the provider, the token provider, the backend) with the user's own
 * `typescript`, resolved from the module's folder, else rtc-sim's, and the compilerOptions of the
 * tsconfig.json found for it: TypeScript 5.x through its compiler API, 7.x (native, another API) through its
 * `tsc` (typecheck-binary.ts). Only the module's own diagnostics (and its options') are reported. A check
 * that cannot run is `unavailable`, a warning naming why, never an error of rtc-sim's.
 */
export async function typecheckModule(modulePath: string, mode: TypecheckMode): Promise<TypecheckOutcome> {
  if (mode === 'off' || !typeScriptFile.test(modulePath) || !existsSync(modulePath)) return { kind: 'skipped' };
  const tsconfig = findTsconfig(modulePath);
  // rtc-sim's own files (its examples, in a checkout) are checked by its own `tsc --noEmit`.
  if (mode === 'auto' && (tsconfig === undefined || modulePath.startsWith(packageRoot))) return { kind: 'skipped' };
  const typescript = resolveTypeScript(modulePath);
  if (typescript === undefined) {
    return { kind: 'unavailable', module: modulePath, message: `the typescript package is found neither from ${dirname(modulePath)} nor from rtc-sim` };
  }
  const cache = typecheckCache(createHash('sha256').update(JSON.stringify([modulePath, tsconfig ?? null, typescript])).digest('hex').slice(0, 16));
  const cached = cache.read();
  if (cached !== undefined) return cached;
  // Whatever the compiler does wrong (an API it lacks, a crash, a missing binary) is a warning naming why:
  // the type-check advises, the simulation decides.
  try {
    const checked = usesCompilerApi(typescript.version) ? checkWithCompilerApi(modulePath, tsconfig, typescript) : checkWithBinary(modulePath, tsconfig, typescript);
    if (checked.kind !== 'unavailable') cache.write(checked.outcome, [...(tsconfig === undefined ? [] : [tsconfig]), ...checked.files]);
    return checked.outcome;
  } catch (error) {
    return { kind: 'unavailable', module: modulePath, message: `TypeScript ${typescript.version} (${typescript.folder}) failed: ${describeThrown(error)}` };
  }
}

/** TypeScript before 7 is the JavaScript compiler with its `createProgram` API; 7 and later are native. */
function usesCompilerApi(version: string): boolean {
  return Number(version.split('.')[0]) < 7;
}

type Checked = { readonly kind: 'checked' | 'unavailable'; readonly outcome: TypecheckOutcome; readonly files: readonly string[] };

/** The check through TypeScript 5.x's compiler API: only the module's own diagnostics (and its options'). */
function checkWithCompilerApi(modulePath: string, tsconfig: string | undefined, typescript: FoundTypeScript): Checked {
  const ts = createRequire(typescript.path)(typescript.path) as typeof TypeScript;
  if (typeof ts.createProgram !== 'function' || typeof ts.sys?.readFile !== 'function') return checkWithBinary(modulePath, tsconfig, typescript);
  const options = tsconfig === undefined ? defaultOptions(ts) : readOptions(ts, tsconfig);
  if (Array.isArray(options)) return { kind: 'checked', outcome: { kind: 'errors', module: modulePath, tsconfig, version: ts.version, errors: options }, files: [] };
  const program = ts.createProgram({ rootNames: [modulePath], options: { ...options, noEmit: true } });
  const source = program.getSourceFile(modulePath);
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  const outcome: TypecheckOutcome = diagnostics.length === 0
    ? { kind: 'clean', module: modulePath }
    : { kind: 'errors', module: modulePath, tsconfig, version: ts.version, errors: diagnostics.map((diagnostic) => compilerError(ts, diagnostic)) };
  return { kind: 'checked', outcome, files: program.getSourceFiles().map((file) => file.fileName) };
}

/**
 * The check through the package's own `tsc` (TypeScript 7). What the program read is not known from outside,
 * so the cache entry is kept only for the module and its tsconfig: a change in an imported file is seen the
 * next time the module or its tsconfig changes (the compiler takes about a second, so a clean module with
 * a stale import costs at most a missed warning).
 */
function checkWithBinary(modulePath: string, tsconfig: string | undefined, typescript: FoundTypeScript): Checked {
  const ran = checkWithTypeScriptBinary({ typescriptFolder: typescript.folder, modulePath, tsconfig });
  if (ran.kind === 'failed') {
    return { kind: 'unavailable', outcome: { kind: 'unavailable', module: modulePath, message: `TypeScript ${typescript.version} (${typescript.folder}) could not check it: ${ran.message}` }, files: [] };
  }
  const outcome: TypecheckOutcome = ran.errors.length === 0 ? { kind: 'clean', module: modulePath } : { kind: 'errors', module: modulePath, tsconfig, version: typescript.version, errors: ran.errors };
  return { kind: 'checked', outcome, files: [modulePath] };
}

/** A file's identity for the cache: its size and modification time. */
type FileStamp = readonly [path: string, size: number, modifiedMs: number];

function stamp(path: string): FileStamp | undefined {
  try {
    const stats = statSync(path);
    return [path, stats.size, stats.mtimeMs];
  } catch {
    return undefined;
  }
}

/**
 * The outcome of the last check of a module, kept under node_modules/.cache/rtc-sim beside rtc-sim's bundles
 * with the size and modification time of every file the program read (the module, what it imports, the
 * libraries, the tsconfig.json): while none has changed, the check is not run again. Creating a program
 * parses the standard library's declarations, seconds of work that a repeated `check` need not redo.
 * A cache that cannot be read or written is no cache.
 */
function typecheckCache(key: string): { read(): TypecheckOutcome | undefined; write(outcome: TypecheckOutcome, files: readonly string[]): void } {
  const path = join(packageRoot, 'node_modules', '.cache', 'rtc-sim', 'typecheck', `${key}.json`);
  return {
    read() {
      try {
        const entry = JSON.parse(readFileSync(path, 'utf8')) as { files: FileStamp[]; outcome: TypecheckOutcome };
        return entry.files.every((file) => JSON.stringify(stamp(file[0])) === JSON.stringify(file)) ? entry.outcome : undefined;
      } catch {
        return undefined;
      }
    },
    write(outcome, files) {
      try {
        mkdirSync(dirname(path), { recursive: true });
        const partial = `${path}.${process.pid}.partial`;
        writeFileSync(partial, JSON.stringify({ files: files.map(stamp), outcome }));
        renameSync(partial, path);
      } catch {
        // A read-only install: checked again next time.
      }
    },
  };
}

/** The lines that report an outcome (none for a skipped or clean module). */
export function typecheckLines(outcome: TypecheckOutcome, cwd: string): readonly string[] {
  switch (outcome.kind) {
    case 'skipped':
    case 'clean':
      return [];
    case 'unavailable':
      return [`${shown(outcome.module, cwd)} was not type-checked: ${outcome.message}`];
    case 'errors': {
      const count = outcome.errors.length;
      const under = outcome.tsconfig === undefined ? 'default strict options' : shown(outcome.tsconfig, cwd);
      const more = count > messagesShownMax ? [`  … and ${count - messagesShownMax} more`] : [];
      return [
        `${shown(outcome.module, cwd)} has ${count} type error${count === 1 ? '' : 's'} (TypeScript ${outcome.version}, ${under}):`,
        ...outcome.errors.slice(0, messagesShownMax).map((error) => `  ${describeTypeError(error, cwd).replaceAll('\n', '\n    ')}`),
        ...more,
      ];
    }
  }
}

function shown(path: string, cwd: string): string {
  const near = relative(cwd, path);
  return near.startsWith('..') ? path : near;
}

/** The tsconfig.json beside the module or in a folder above it, up to the module's package root. */
export function findTsconfig(modulePath: string): string | undefined {
  for (let folder = dirname(resolve(modulePath)); ; folder = dirname(folder)) {
    const candidate = join(folder, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(folder, 'package.json')) || dirname(folder) === folder || folder.endsWith(`${sep}node_modules`)) return undefined;
  }
}

interface FoundTypeScript {
  /** What `require('typescript')` loads. */
  readonly path: string;
  /** The package's folder (its bin/tsc). */
  readonly folder: string;
  readonly version: string;
}

/** Where the user's `typescript` is (resolved from the module's folder), else rtc-sim's own, and its version. */
function resolveTypeScript(modulePath: string): FoundTypeScript | undefined {
  for (const from of [modulePath, `${packageRoot}package.json`]) {
    try {
      const require = createRequire(from);
      const manifest = require.resolve('typescript/package.json');
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      return { path: require.resolve('typescript'), folder: dirname(manifest), version };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The tsconfig's compiler options, or what is wrong with the file. */
function readOptions(ts: typeof TypeScript, tsconfig: string): TypeScript.CompilerOptions | CompilerError[] {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error !== undefined) return [compilerError(ts, read.error)];
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig), undefined, tsconfig);
  // "No inputs were found" (TS18003) is about the project's files, not the module checked here.
  const errors = parsed.errors.filter((error) => error.code !== 18003);
  return errors.length === 0 ? parsed.options : errors.map((error) => compilerError(ts, error));
}

/** Without a tsconfig.json (`--typecheck`): strict, modern ESM, as a provider loaded by rtc-sim is. */
function defaultOptions(ts: typeof TypeScript): TypeScript.CompilerOptions {
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
  };
}

function compilerError(ts: typeof TypeScript, diagnostic: TypeScript.Diagnostic): CompilerError {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return { code: diagnostic.code, text };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: diagnostic.file.fileName, line: line + 1, column: character + 1, code: diagnostic.code, text };
}

/** `provider.ts:3:7 TS2322: Type 'number' is not assignable to type 'string'.` */
function describeTypeError(error: CompilerError, cwd: string): string {
  const where = error.file === undefined ? '' : `${shown(error.file, cwd)}:${error.line ?? 0}:${error.column ?? 0} `;
  return `${where}TS${error.code}: ${error.text}`;
}
