#!/usr/bin/env node
// The package as a user gets it: `npm pack`, a fresh project with TypeScript 7 and @types/node that installs
// the tarball, and what issue 27 asks of it — the project's own tsc reports nothing from rtc-sim, a plain
// `import('rtc-sim')` works in Node, `rtc-sim check` of a TypeScript provider beside a tsconfig.json exits
// with its verdict, and a backend written as `export default { fetch }` that imports a module awaiting at its
// top loads and serves.
//
//   node scripts/package-acceptance.mjs            installs typescript@7, @types/node@20 and the tarball from
//                                                  the registry (npm install), as a user would
//   node scripts/package-acceptance.mjs --offline  unpacks the tarball and links its dependencies, TypeScript 7
//                                                  (the `typescript7` alias) and @types/node from this
//                                                  repository's node_modules: what test/package-contents.test.ts runs
//
// Prints one line per step and exits 0 when every step held, 1 otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('../', import.meta.url));
const offline = process.argv.includes('--offline');
const work = mkdtempSync(join(tmpdir(), 'rtc-sim-acceptance-'));
const project = join(work, 'project');
let failed = 0;

function step(name, holds, detail = '') {
  process.stdout.write(`${holds ? 'ok  ' : 'FAIL'} ${name}${detail === '' ? '' : `\n     ${detail.trim().split('\n').join('\n     ')}`}\n`);
  if (!holds) failed++;
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: project, encoding: 'utf8', timeout: 300_000, ...options });
}

// The tarball, as `npm pack` makes it (its prepack script builds dist/).
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repository, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const tarball = join(work, packed[0].filename);
mkdirSync(join(project, 'src'), { recursive: true });
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'acceptance-project', private: true, type: 'module' }, null, 2));

if (offline) {
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  cpSync(join(work, 'package'), join(modules, 'rtc-sim'), { recursive: true });
  // rtc-sim's dependencies resolve from the project's node_modules, as a flat npm install puts them.
  const { dependencies } = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8'));
  for (const name of Object.keys(dependencies).filter((name) => name !== 'typescript')) {
    mkdirSync(join(modules, name, '..'), { recursive: true });
    symlinkSync(join(repository, 'node_modules', name), join(modules, name), 'dir');
  }
  // rtc-sim's own TypeScript 5 stays its own (nested), the project's is 7, as npm installs them.
  mkdirSync(join(modules, 'rtc-sim', 'node_modules'), { recursive: true });
  symlinkSync(join(repository, 'node_modules', 'typescript'), join(modules, 'rtc-sim', 'node_modules', 'typescript'), 'dir');
  symlinkSync(join(repository, 'node_modules', 'typescript7'), join(modules, 'typescript'), 'dir');
  symlinkSync(join(repository, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'), 'dir');
  symlinkSync(join(repository, 'node_modules', 'vitest'), join(modules, 'vitest'), 'dir');
  step('the tarball is unpacked into a fresh project, its dependencies linked', true);
} else {
  const installed = run('npm', ['install', '--no-audit', '--no-fund', 'typescript@7', '@types/node@20', 'vitest@4', tarball]);
  step('npm install typescript@7 @types/node@20 vitest@4 <tarball> in a fresh project', installed.status === 0, installed.status === 0 ? '' : installed.stderr);
}

const tsVersion = JSON.parse(readFileSync(join(project, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
step(`the project's TypeScript is 7.x (${tsVersion})`, tsVersion.startsWith('7.'));

// A strict project that checks libraries too, with Node's types and no DOM.
writeFileSync(
  join(project, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, types: ['node'] }, include: ['src'] }, null, 2),
);
writeFileSync(
  join(project, 'src', 'provider.ts'),
  `import type { ProviderAnswer, ProviderRequest } from 'rtc-sim';\n\nexport default async function provider({ keyHint }: ProviderRequest): Promise<ProviderAnswer> {\n  return { key: 'correct horse battery staple', keyHint: keyHint ?? 'static-2026' };\n}\n`,
);
writeFileSync(
  join(project, 'src', 'buggy-provider.ts'),
  `import type { ProviderAnswer, ProviderRequest } from 'rtc-sim';\n\nlet made = 0;\nexport default async function provider(_request: ProviderRequest): Promise<ProviderAnswer> {\n  made++;\n  return { key: \`key-\${made}\`, keyHint: \`hint-\${made}\` };\n}\n`,
);
writeFileSync(join(project, 'src', 'stack-provider.ts'), readFileSync(join(repository, 'examples/stacks/pglite-raw-sql/provider.ts'), 'utf8').replace("'../../../src/index.ts'", "'rtc-sim'"));
writeFileSync(join(project, 'src', 'settings.ts'), "// Top-level await in a module the backend imports.\nexport const hintBytes = await Promise.resolve(12);\n");
writeFileSync(
  join(project, 'src', 'worker.ts'),
  `import type { BackendEnv } from 'rtc-sim';
import { hintBytes } from './settings.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** Workers' and Bun's form: export default { fetch(request, env) }. A hint names one key forever. */
export default {
  async fetch(request: Request, env: BackendEnv): Promise<Response> {
    const route = /^\\/api\\/documents\\/([^/]+)\\/key$/.exec(new URL(request.url).pathname);
    if (route === null) return new Response('not found', { status: 404 });
    const documentId = decodeURIComponent(route[1] ?? '');
    const asked = new URL(request.url).searchParams.get('keyHint');
    const hint = asked ?? (await env.keyStore.get(\`\${documentId}/latest\`));
    if (hint !== undefined && hint !== null) {
      const key = await env.keyStore.get(\`\${documentId}/\${hint}\`);
      return key === undefined ? new Response('no such key', { status: 404 }) : Response.json({ key, keyHint: hint });
    }
    const made = { key: text(env.randomBytes(32)), keyHint: text(env.randomBytes(hintBytes)) };
    await env.keyStore.set(\`\${documentId}/\${made.keyHint}\`, made.key);
    await env.keyStore.set(\`\${documentId}/latest\`, made.keyHint);
    return Response.json(made);
  },
};
`,
);
writeFileSync(join(project, 'src', 'use-api.ts'), "import { simulate, sweep, type BackendEnv, type DatabaseHandle } from 'rtc-sim';\nexport const api: unknown[] = [simulate, sweep];\nexport type Used = [BackendEnv, DatabaseHandle];\n");

const tsc = run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
const fromRtcSim = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((line) => line.includes('rtc-sim'));
step("the project's own tsc (TypeScript 7, skipLibCheck: false) reports nothing from rtc-sim", tsc.status === 0 && fromRtcSim.length === 0, `${tsc.stdout}${tsc.stderr}`);

const imported = run(process.execPath, ['--input-type=module', '-e', "const m = await import('rtc-sim'); console.log(typeof m.sweep, typeof m.simulate);"]);
step("import('rtc-sim') works in plain Node", imported.status === 0 && imported.stdout.trim() === 'function function', `${imported.stdout}${imported.stderr}`);

const bin = join(project, 'node_modules', '.bin', 'rtc-sim');
const binPath = offline ? join(project, 'node_modules', 'rtc-sim', 'bin', 'rtc-sim.js') : bin;
const cli = (args) => run(process.execPath, [binPath, ...args, '--failures-dir', join(work, 'failures')]);

const good = cli(['check', 'src/provider.ts', '--runs', '30']);
step('rtc-sim check of a TypeScript provider beside a tsconfig.json passes, exit 0', good.status === 0 && good.stdout.includes('✓ PASS') && good.stderr === '', `exit ${good.status}\n${good.stdout}${good.stderr}`);

const pooled = cli(['check', 'src/provider.ts', '--runs', '1200', '--workers', '2']);
const ownBundles = join(project, 'node_modules', 'rtc-sim', 'node_modules', '.cache', 'rtc-sim');
const fromSources = existsSync(ownBundles) ? readdirSync(ownBundles).filter((name) => name.endsWith('.mjs')) : [];
step('sweep workers run from the compiled build (no bundle of the sources is made)', pooled.status === 0 && pooled.stdout.includes('✓ PASS') && fromSources.length === 0, `exit ${pooled.status} ${fromSources.join(' ')}\n${pooled.stderr}`);

const buggy = cli(['check', 'src/buggy-provider.ts', '--runs', '200']);
step('a buggy provider fails with its verdict, exit 1', buggy.status === 1 && buggy.stdout.includes('✗'), `exit ${buggy.status}\n${buggy.stdout.slice(0, 600)}${buggy.stderr}`);

writeFileSync(join(project, 'src', 'mistyped.ts'), "export default async () => {\n  const hint: number = 'static';\n  return { key: 'k', keyHint: String(hint) };\n};\n");
const mistyped = cli(['check', 'src/mistyped.ts', '--runs', '5']);
step('a type error is a warning naming TypeScript 7, and the check still gives its verdict', mistyped.status === 0 && /has 1 type error \(TypeScript 7\./.test(mistyped.stderr), `exit ${mistyped.status}\n${mistyped.stderr}`);

const stack = cli(['check', 'src/stack-provider.ts', '--backend', 'src/worker.ts', '--runs', '20', '--documents', '1']);
step('a backend `export default { fetch }` importing a module with top-level await loads and serves: the stack passes', stack.status === 0 && stack.stdout.includes('✓ PASS'), `exit ${stack.status}\n${stack.stdout}${stack.stderr}`);

// The README's vitest snippet, exactly as written, beside the provider it imports.
const readme = readFileSync(join(repository, 'README.md'), 'utf8');
const snippet = /### In your vitest suite\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
mkdirSync(join(project, 'test'));
writeFileSync(join(project, 'test', 'provider.test.ts'), snippet ?? '');
writeFileSync(join(project, 'src', 'rtc-provider.ts'), readFileSync(join(repository, 'examples/providers/good-store-backed-dynamic.ts'), 'utf8').replace("'../../src/index.ts'", "'rtc-sim'"));
const vitest = run(process.execPath, [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', project]);
step("the README's vitest snippet passes as written", snippet !== undefined && vitest.status === 0 && /1 passed/.test(vitest.stdout), `exit ${vitest.status}\n${vitest.stdout.slice(-800)}${vitest.stderr.slice(-800)}`);

rmSync(work, { recursive: true, force: true });
process.stdout.write(failed === 0 ? 'every step held\n' : `${failed} step(s) failed\n`);
process.exit(failed === 0 ? 0 : 1);
