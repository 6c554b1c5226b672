import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawConfig } from '../src/config/swarm.ts';
import { selfCheck } from '../src/explore/sweep.ts';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { loadProviderModule } from '../src/providers/loader.ts';
import { repositoryRoot, runCli, spawnCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

/**
 * A user's project outside rtc-sim: its own package.json and node_modules (uuid, nanoid and date-fns linked
 * from rtc-sim's devDependencies, and a fake package whose main loads a native addon).
 */
function userProject(): { readonly folder: string; readonly failuresDir: string; write(name: string, code: string): string } {
  const folder = temporaryFolder('rtc-sim-user-project-');
  const write = (name: string, code: string): string => {
    const path = join(folder, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
    return path;
  };
  write('package.json', JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  for (const name of ['uuid', 'nanoid', 'date-fns']) {
    mkdirSync(join(folder, 'node_modules'), { recursive: true });
    symlinkSync(join(repositoryRoot, 'node_modules', name), join(folder, 'node_modules', name), 'dir');
  }
  write('node_modules/fake-native/package.json', JSON.stringify({ name: 'fake-native', version: '1.0.0', main: 'index.js' }));
  write('node_modules/fake-native/index.js', "module.exports = require('./build/Release/fake.node');\n");
  write('node_modules/fake-native/build/Release/fake.node', 'not a real addon');
  return { folder, failuresDir: join(folder, 'failures'), write };
}

const project = userProject();

// A good provider whose key hints and keys come from uuid v4 and nanoid: fresh per key, stored before use.
const uuidProvider = project.write(
  'uuid-provider.js',
  `import { v4 } from 'uuid';
import { nanoid } from 'nanoid';
export function createProvider(env) {
  return async ({ documentId, keyHint }) => {
    if (keyHint === null) {
      const hint = \`\${v4()}-\${nanoid(8)}\`;
      const key = nanoid();
      if (!(await env.keyStore.setIfAbsent(\`\${documentId}/\${hint}\`, key))) throw new Error('hint collision');
      return { key, keyHint: hint };
    }
    const key = await env.keyStore.get(\`\${documentId}/\${keyHint}\`);
    if (key === undefined) throw new Error(\`no key for hint \${keyHint}\`);
    return { key };
  };
}
`,
);

describe('npm packages a provider imports are bundled into every simulated browser', () => {
  it('a provider using uuid v4 and nanoid from its own node_modules is deterministic: same seed, same trace', async () => {
    const source = await loadProviderSource(uuidProvider);
    if (!source.ok) throw new Error(source.error.message);
    for (const seed of [1, 2, 3]) expect(await selfCheck(source.value, drawConfig(seed, {}))).toBeUndefined();
    const checked = await runCli(['check', uuidProvider, '--runs', '200', '--failures-dir', project.failuresDir]);
    expect(checked.out).toContain('✓ PASS');
    expect(checked.code).toBe(0);
  });

  it('through the bin: check passes and two replays of a seed print the same trace', async () => {
    const checked = await spawnCli(['check', uuidProvider, '--runs', '200', '--failures-dir', project.failuresDir]);
    expect(checked.out).toContain('✓ PASS');
    expect(checked.code).toBe(0);
    const first = await spawnCli(['replay', '--seed', '7', uuidProvider]);
    const second = await spawnCli(['replay', '--seed', '7', uuidProvider]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/keyHint "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    expect(second.out).toBe(first.out);
  });

  it("date-fns's format(new Date(), …) gets the same clock report as a direct new Date(), and its own clock reads are reported", async () => {
    const direct = project.write('direct-date.js', "export default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? new Date().toISOString().slice(0, 10) });\n");
    const formatted = project.write('date-fns-format.js', "import { format } from 'date-fns';\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? format(new Date(), 'yyyy-MM-dd') });\n");
    const insidePackage = project.write('date-fns-now.js', "import { formatDistanceToNow } from 'date-fns';\nexport default async ({ keyHint }) => ({ key: 'k', keyHint: keyHint ?? formatDistanceToNow(new Date(0)) });\n");
    const clockReport = /determinism violated .*c1's provider called (new Date\(\)|Date\.now\(\))/;
    const results = await Promise.all([direct, formatted, insidePackage].map((path) => runCli(['check', path, '--runs', '50', '--failures-dir', project.failuresDir])));
    for (const result of results) {
      expect(result.code).toBe(4);
      expect(result.out).toMatch(clockReport);
    }
    const [directResult, formattedResult, insideResult] = results.map((result) => result.out.match(clockReport)?.[0]);
    expect(formattedResult).toBe(directResult);
    expect(insideResult).toContain('called Date.now()');
  });

  it('a package whose main loads a native addon is an input error naming the package, exit 2', async () => {
    const path = project.write('native-provider.js', "import addon from 'fake-native';\nexport default async ({ keyHint }) => ({ key: String(addon), keyHint: keyHint ?? 'v1' });\n");
    for (const result of [await runCli(['check', path, '--runs', '5']), await spawnCli(['check', path, '--runs', '5'])]) {
      expect(result.code).toBe(2);
      expect(result.err).toContain('package "fake-native" loads a native addon (build/Release/fake.node)');
    }
  });

  it('a package that requires one that is not installed is an input error naming it, exit 2 (as Node fails only when the require runs)', async () => {
    project.write('node_modules/broken-dependency/package.json', JSON.stringify({ name: 'broken-dependency', version: '1.0.0', main: 'index.js' }));
    project.write('node_modules/broken-dependency/index.js', "module.exports = require('not-installed-anywhere');\n");
    const path = project.write('broken-provider.js', "import broken from 'broken-dependency';\nexport default async ({ keyHint }) => ({ key: String(broken), keyHint: keyHint ?? 'v1' });\n");
    const result = await runCli(['check', path, '--runs', '5']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/input error: evaluating .*broken-provider\.js threw .*require\("not-installed-anywhere"\) was left out of the provider's bundle .*not found when the provider was built/);
  });

  it('a module required by a name computed at run time is refused with a message naming it, as a missing module', async () => {
    const path = project.write(
      'computed-require.cjs',
      "const name = ['na', 'noid'].join('');\nlet missing;\ntry { require(name); } catch (error) { missing = error.code + ' ' + error.message; }\nexports.default = async ({ keyHint }) => ({ key: missing, keyHint: keyHint ?? 'v1' });\n",
    );
    const replayed = await runCli(['replay', '--seed', '1', '--json', path]);
    expect(replayed.out).toContain('MODULE_NOT_FOUND rtc-sim: require(\\"nanoid\\") was left out of the provider\'s bundle');
  });
});

describe('nondeterminism left after bundling is named, by check and by replay', () => {
  const leaky = project.write(
    'global-state.js',
    "export default async ({ keyHint }) => {\n  globalThis.issued = (globalThis.issued ?? 0) + 1;\n  return { key: 'one key', keyHint: keyHint ?? `h${globalThis.issued}` };\n};\n",
  );
  const where = /they part at step \d+ \(c\d+\), record \d+: first run: c\d+ provider answers \{ key: "one key", keyHint: "h\d+" \}; second run: c\d+ provider answers \{ key: "one key", keyHint: "h\d+" \}/;
  const cause = /c\d+'s last call of .*global-state\.js before that was provider\(\{ documentId: "d1", keyHint: null \}\) at step \d+ — the module keeps state on the global object .*\(globalThis\.issued\)/;

  it('check names where the two runs of the seed part, the module and its call, and the shared global, exit 4', async () => {
    const checked = await runCli(['check', leaky, '--runs', '20', '--failures-dir', project.failuresDir]);
    expect(checked.code).toBe(4);
    expect(checked.out).toMatch(where);
    expect(checked.out).toMatch(cause);
  });

  it('replay of such a seed says it is nondeterministic instead of "every property held", exit 4, as text and as JSON', async () => {
    const replayed = await runCli(['replay', '--seed', '1', leaky]);
    expect(replayed.out).not.toContain('✓ every property held');
    expect(replayed.out).toMatch(/✗ nondeterministic: seed 1 run twice gave different traces; they part at step/);
    expect(replayed.out).toMatch(cause);
    expect(replayed.code).toBe(4);
    const json = await runCli(['replay', '--seed', '1', '--json', leaky]);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: 'fail', nondeterminism: expect.stringMatching(where) });
    expect(json.code).toBe(4);
  });

  it('replay of a deterministic seed is unchanged: exit 0, every property held, no nondeterminism field', async () => {
    const replayed = await runCli(['replay', '--seed', '3', '--json', uuidProvider]);
    expect(JSON.parse(replayed.out)).not.toHaveProperty('nondeterminism');
    expect(JSON.parse(replayed.out)).toMatchObject({ verdict: 'pass' });
    expect(replayed.code).toBe(0);
  });
});

describe('provider bundles are cached on disk and rebuilt when what they were built from changes', () => {
  const hooks = { clock: () => 0, elapsed: () => 0, random: () => 0.5, log: () => undefined };
  const exported = async (path: string): Promise<unknown> => {
    const loaded = await loadProviderModule(path);
    if (!loaded.ok) throw new Error(loaded.error.message);
    return loaded.value.instantiate(hooks)['answer'];
  };

  it("a changed package file, and a package's symlink pointed at another copy of the same size, are both seen", async () => {
    const path = project.write('cached.js', "import { answer } from 'cached-package';\nexport { answer };\nexport default async () => ({ key: answer });\n");
    const packageFile = (folder: string, answer: string) => {
      project.write(`${folder}/package.json`, JSON.stringify({ name: 'cached-package', version: '1.0.0', main: 'index.js' }));
      project.write(`${folder}/index.js`, `exports.answer = '${answer}';\n`);
    };
    packageFile('store/cached-package-a', 'A1');
    packageFile('store/cached-package-b', 'B1');
    symlinkSync(join(project.folder, 'store/cached-package-a'), join(project.folder, 'node_modules/cached-package'), 'dir');
    expect(await exported(path)).toBe('A1');
    expect(await exported(path)).toBe('A1');
    packageFile('store/cached-package-a', 'A22');
    expect(await exported(path)).toBe('A22');
    // pnpm's way: the old files stay as they were, only the link moves (replaced by a rename, as installers do).
    symlinkSync(join(project.folder, 'store/cached-package-b'), join(project.folder, 'node_modules/cached-package-next'), 'dir');
    renameSync(join(project.folder, 'node_modules/cached-package-next'), join(project.folder, 'node_modules/cached-package'));
    expect(await exported(path)).toBe('B1');
  });
});
