import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTsconfig } from '../src/cli/typecheck.ts';
import { runCli, scratchModules } from './cli-support.ts';

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
