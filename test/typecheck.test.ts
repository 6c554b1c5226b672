import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTsconfig } from '../src/cli/typecheck.ts';
import { parseTscOutput } from '../src/cli/typecheck-binary.ts';
import { repositoryRoot, runCli, scratchModules } from './cli-support.ts';

// A TypeScript provider is type-checked before it runs when its project has a tsconfig.json (or with
// --typecheck): tsx strips types without checking them, so a type error would otherwise pass unseen.
const { folder, failuresDir, write } = scratchModules('rtc-sim-typecheck');
write('package.json', JSON.stringify({ name: 'my-project', type: 'module' }));
write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', noEmit: true } }));
const mistyped = write(
  'mistyped.ts',
  `interface Request { keyHint: string | null }\nexport default async function provider({ keyHint }: Request): Promise<{ key: string; keyHint: string }> {\n  const hint: number = keyHint ?? 'h';\n  return { key: 'k', keyHint: String(hint) };\n}\n`,
);
const welltyped = write('welltyped.ts', `interface Request { keyHint: string | null }\nexport default async function provider({ keyHint }: Request): Promise<{ key: string; keyHint: string }> {\n  return { key: 'k', keyHint: keyHint ?? 'h' };\n}\n`);
// A project without a tsconfig.json: not checked unless asked.
const bare = join(folder, 'bare');
mkdirSync(bare);
writeFileSync(join(bare, 'package.json'), '{}');
const bareMistyped = join(bare, 'mistyped.ts');
writeFileSync(bareMistyped, `export default async ({ keyHint }: { keyHint: string | null }) => {\n  const hint: number = keyHint ?? 'h';\n  return { key: 'k', keyHint: String(hint) };\n};\n`);

const check = (...argv: string[]) => runCli(['check', ...argv, '--runs', '5', '--failures-dir', failuresDir]);

describe('type errors in a TypeScript provider are surfaced', () => {
  it('beside a tsconfig.json: a warning naming the file, line and error before the run, which still runs', async () => {
    const result = await check(mistyped);
    expect(result.err).toContain(`warning: ${mistyped} has 1 type error (TypeScript 5.`);
    expect(result.err).toContain(`${mistyped}:3:9 TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
  });

  it('--typecheck strict: the type error is an input error (exit 2) and nothing runs', async () => {
    const result = await check('--typecheck', 'strict', mistyped);
    expect(result.err).toMatch(/^input error: .*mistyped\.ts has 1 type error/);
    expect(result.out).toBe('');
    expect(result.code).toBe(2);
  });

  it('a well-typed provider, --no-typecheck, or no tsconfig.json and no flag: not a word', async () => {
    for (const argv of [[welltyped], ['--no-typecheck', mistyped], [bareMistyped]]) {
      const result = await check(...argv);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it('--typecheck without a tsconfig.json checks with strict defaults (the flag may stand before the module)', async () => {
    const result = await check('--typecheck', bareMistyped);
    expect(result.err).toContain('has 1 type error (TypeScript 5.');
    expect(result.err).toContain('default strict options');
    expect(result.code).toBe(0);
  });

  it('the tsconfig.json is looked for beside the module and above it, never above its package', () => {
    const nested = join(folder, 'src', 'providers');
    mkdirSync(nested, { recursive: true });
    expect(findTsconfig(join(nested, 'p.ts'))).toBe(join(folder, 'tsconfig.json'));
    expect(findTsconfig(bareMistyped)).toBeUndefined();
  });
});

// TypeScript 7 (what `npm i -D typescript` installs today) is the native compiler, without the JavaScript API
// 5.x has: rtc-sim checks through its tsc. The repository carries 7.x as the `typescript7` alias, linked here
// as a project's own `typescript`.
describe('a project whose typescript is 7.x', () => {
  const project = scratchModules('rtc-sim-typecheck-ts7');
  project.write('package.json', JSON.stringify({ name: 'ts7-project', type: 'module' }));
  project.write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true } }));
  mkdirSync(join(project.folder, 'node_modules'));
  symlinkSync(join(repositoryRoot, 'node_modules', 'typescript7'), join(project.folder, 'node_modules', 'typescript'), 'dir');
  const mistyped7 = project.write('mistyped.ts', readFileSync(mistyped, 'utf8'));
  const welltyped7 = project.write('welltyped.ts', readFileSync(welltyped, 'utf8'));
  const check7 = (...argv: string[]) => runCli(['check', ...argv, '--runs', '3', '--failures-dir', project.failuresDir]);

  it('names its errors with TypeScript 7 and runs; a well-typed module is not a word; nothing is left in the project', async () => {
    const result = await check7(mistyped7);
    expect(result.err).toContain(`warning: ${mistyped7} has 1 type error (TypeScript 7.`);
    expect(result.err).toContain(`${mistyped7}:3:9 TS2322: Type 'string' is not assignable to type 'number'.`);
    expect(result.err).not.toContain('internal error');
    expect(result.code).toBe(0);
    const clean = await check7(welltyped7);
    expect(clean.err).toBe('');
    expect(clean.code).toBe(0);
    expect(readdirSync(project.folder).filter((name) => name.startsWith('.rtc-sim'))).toEqual([]);
  });

  it('--typecheck strict stops on its errors (exit 2)', async () => {
    const result = await check7('--typecheck', 'strict', mistyped7);
    expect(result.err).toMatch(/^input error: .*mistyped\.ts has 1 type error \(TypeScript 7\./);
    expect(result.code).toBe(2);
  });

  it('a typescript that cannot check is a warning naming why, and the run still gives its verdict', async () => {
    const broken = scratchModules('rtc-sim-typecheck-broken');
    broken.write('package.json', JSON.stringify({ name: 'broken-ts', type: 'module' }));
    broken.write('tsconfig.json', '{}');
    mkdirSync(join(broken.folder, 'node_modules', 'typescript', 'lib'), { recursive: true });
    broken.write('node_modules/typescript/package.json', JSON.stringify({ name: 'typescript', version: '7.9.9', main: 'lib/index.cjs' }));
    broken.write('node_modules/typescript/lib/index.cjs', 'module.exports = {};');
    const provider = broken.write('provider.ts', readFileSync(welltyped, 'utf8'));
    const result = await runCli(['check', provider, '--runs', '3', '--failures-dir', broken.failuresDir]);
    expect(result.err).toMatch(/^warning: .*provider\.ts was not type-checked: TypeScript 7\.9\.9 .* could not check it: its package has no bin\/tsc/);
    expect(result.out).toContain('✓ PASS');
    expect(result.code).toBe(0);
  });
});

describe('tsc output', () => {
  it('is read as located and unlocated errors, with indented continuation lines', () => {
    const output = "src/a.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.\n  More detail.\nerror TS5023: Unknown compiler option 'x'.\n";
    expect(parseTscOutput(output, '/p')).toEqual([
      { file: '/p/src/a.ts', line: 2, column: 7, code: 2322, text: "Type 'string' is not assignable to type 'number'.\nMore detail." },
      { code: 5023, text: "Unknown compiler option 'x'." },
    ]);
  });
});
