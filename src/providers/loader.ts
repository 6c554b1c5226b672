import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describeThrown, fail, ok, type Result } from '../errors.ts';
import { compileInSandbox, type CompiledModule } from './sandbox.ts';

const supportedExtensions = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * Loads a provider module once so that it can be instantiated afresh for every simulated browser.
 *
 * The file and the local files it imports are bundled by esbuild into one CommonJS body (packages stay
 * external and are required normally); the body is compiled once in the provider sandbox and then called
 * once per client. A fresh call is a fresh module instance whatever the file's module system, which
 * `import(url + '?client=2')` cannot promise (tsx loads .ts outside a package as CommonJS, and the CommonJS
 * cache ignores query strings), and it costs microseconds instead of a module load.
 */
export async function loadProviderModule(pathGiven: string): Promise<Result<CompiledModule>> {
  const path = resolve(pathGiven);
  if (!existsSync(path) || !statSync(path).isFile()) {
    return fail({ kind: 'module-not-found', path, message: `provider module not found: ${path}` });
  }
  if (!supportedExtensions.some((extension) => path.endsWith(extension))) {
    return fail({
      kind: 'module-invalid',
      path,
      message: `provider module must be a ${supportedExtensions.join(', ')} file: ${path}`,
    });
  }
  let code: string;
  try {
    const output = await build({
      entryPoints: [path],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      sourcemap: 'inline',
      define: { 'import.meta.url': '__rtcsimImportMetaUrl' },
      // A function compiled in a vm context has no dynamic-import hook: `import(x)` becomes a required module.
      supported: { 'dynamic-import': false },
    });
    code = output.outputFiles[0]?.text ?? '';
  } catch (error) {
    return fail({ kind: 'module-invalid', path, message: `cannot build ${path}: ${buildErrorText(error)}` });
  }
  try {
    const requireFromModule = createRequire(path);
    return ok(compileInSandbox({ code, path, directory: dirname(path), url: pathToFileURL(path).href, requireFromModule }));
  } catch (error) {
    return fail({ kind: 'module-invalid', path, message: `cannot compile ${path}: ${describeThrown(error)}` });
  }
}

function buildErrorText(error: unknown): string {
  const errors = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .slice(0, 3)
      .map((entry) => (entry.location ? `line ${entry.location.line}:${entry.location.column} ${entry.text}` : entry.text))
      .join('; ');
  }
  return describeThrown(error);
}
