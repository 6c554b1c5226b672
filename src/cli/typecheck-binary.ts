import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One error of the compiler: where (when it is in a file), its code and its text. */
export interface CompilerError {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly code: number;
  readonly text: string;
}

/** What running a project's `tsc` gave: its errors in the module (and its options), or why it could not run. */
export type BinaryCheck = { readonly kind: 'checked'; readonly errors: readonly CompilerError[] } | { readonly kind: 'failed'; readonly message: string };

/** How long one `tsc` may take before the check is given up as a warning (the native compiler takes about a second). */
const binaryCheckMsMax = 60_000;

/**
 * Type-checks one module with a TypeScript package's own `tsc` (`bin/tsc`, run by this Node): TypeScript 7, the
 * native compiler, has no JavaScript compiler API that rtc-sim could call the way it calls 5.x's, but its
 * command line is the stable interface. A throwaway tsconfig beside the project's one `extends` it and lists
 * only the module, so the project's options, paths and type roots apply as they do to its own build; it is
 * removed when tsc ends. Errors outside the module (the files it imports) are left to the project's own build,
 * as the compiler-API check leaves them.
 */
export function checkWithTypeScriptBinary(options: { typescriptFolder: string; modulePath: string; tsconfig: string | undefined }): BinaryCheck {
  const tsc = join(options.typescriptFolder, 'bin', 'tsc');
  if (!existsSync(tsc)) return { kind: 'failed', message: `its package has no bin/tsc (${tsc})` };
  const folder = options.tsconfig === undefined ? dirname(options.modulePath) : dirname(options.tsconfig);
  const config = join(folder, `.rtc-sim-typecheck-${process.pid}.json`);
  const base = options.tsconfig === undefined ? { compilerOptions: defaultCompilerOptions } : { extends: `./${basename(options.tsconfig)}` };
  try {
    writeFileSync(config, JSON.stringify({ ...base, compilerOptions: { ...base.compilerOptions, noEmit: true }, files: [options.modulePath], include: [] }));
  } catch (error) {
    return { kind: 'failed', message: `a tsconfig for the check cannot be written beside ${options.tsconfig ?? options.modulePath} (${(error as Error).message})` };
  }
  try {
    const ran = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: folder, encoding: 'utf8', timeout: binaryCheckMsMax, maxBuffer: 16 * 1024 * 1024 });
    if (ran.error !== undefined) return { kind: 'failed', message: `running ${tsc} failed: ${ran.error.message}` };
    if (ran.status === null) return { kind: 'failed', message: `${tsc} did not finish within ${binaryCheckMsMax / 1000} s` };
    const errors = parseTscOutput(ran.stdout, folder).filter((error) => error.file === undefined || error.file === options.modulePath);
    // Exit 1 with no parsable line is not "clean": the output is passed on so that the user can see why.
    if (ran.status !== 0 && errors.length === 0 && !/error TS\d+/.test(ran.stdout)) {
      return { kind: 'failed', message: `${tsc} exited ${ran.status}: ${`${ran.stdout}${ran.stderr}`.trim().slice(0, 400)}` };
    }
    return { kind: 'checked', errors };
  } finally {
    rmSync(config, { force: true });
  }
}

/** Without a tsconfig.json (`--typecheck`): strict, modern ESM, as a provider loaded by rtc-sim is. */
const defaultCompilerOptions = { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true, skipLibCheck: true };

const located = /^(.+?)\((\d+),(\d+)\): error TS(\d+): (.*)$/;
const unlocated = /^error TS(\d+): (.*)$/;

/** `tsc --pretty false` output as errors: `file(line,col): error TSn: text`, continuation lines indented. */
export function parseTscOutput(output: string, folder: string): CompilerError[] {
  const errors: CompilerError[] = [];
  for (const line of output.split(/\r?\n/)) {
    const at = located.exec(line);
    if (at !== null) {
      errors.push({ file: resolve(folder, at[1] ?? ''), line: Number(at[2]), column: Number(at[3]), code: Number(at[4]), text: at[5] ?? '' });
      continue;
    }
    const bare = unlocated.exec(line);
    if (bare !== null) {
      errors.push({ code: Number(bare[1]), text: bare[2] ?? '' });
      continue;
    }
    const last = errors.at(-1);
    if (last !== undefined && /^\s+\S/.test(line)) errors[errors.length - 1] = { ...last, text: `${last.text}\n${line.trim()}` };
  }
  return errors;
}
