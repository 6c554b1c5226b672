import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configPinsSchema } from '../src/config/config-schema.ts';
import { drawConfig } from '../src/config/swarm.ts';
import { describeThrown } from '../src/errors.ts';
import { runCli, spawnCli } from './cli-support.ts';
import { temporaryFolder } from './temporary-folder.ts';

const module = 'examples/providers/good-static-key.ts';
const folder = temporaryFolder('rtc-sim-cli-fuzz-');
let fileCount = 0;

/** Runs the CLI in-process; an exception escaping main() is what the real process reports as internal error 70. */
async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    return await runCli(argv);
  } catch (error) {
    return { code: 70, out: '', err: `internal error: ${describeThrown(error)}` };
  }
}

/** Exit 2, a message that names `what`, and neither a stack trace nor an internal error. */
async function expectInputError(argv: readonly string[], what: string | RegExp): Promise<void> {
  const result = await run(argv);
  expect({ argv, code: result.code, stackTrace: /^\s+at /m.test(`${result.out}\n${result.err}`) }).toEqual({ argv, code: 2, stackTrace: false });
  if (typeof what === 'string') expect(result.err).toContain(what);
  else expect(result.err).toMatch(what);
}

/** A schema problem reported at `path` or inside it (`network:` or `network.minMs:`). */
function fieldPath(path: string): RegExp {
  return new RegExp(`(^|[\\s;])${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[.:]`);
}

/** Writes `text` to a fresh file in the test folder and returns its path. */
function file(text: string): string {
  const path = join(folder, `input-${++fileCount}.json`);
  writeFileSync(path, text);
  return path;
}

// JSON values no field accepts (numbers are bounded, strings are enums or names, objects are strict);
// `hugeNumber` is written as the literal 1e400, which JSON.parse reads as Infinity.
const hugeNumber = '__rtc_sim_huge_number__';
const notAString = fc.constantFrom<unknown>(null, -1, 1.5, true, {}, [[[]]], 2 ** 60, hugeNumber);
const notAnything = fc.oneof(notAString, fc.constantFrom('many', ''));
const asJson = (value: unknown): string => JSON.stringify(value, null, 2).replaceAll(`"${hugeNumber}"`, '1e400');
const fieldName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/);

const numericOptions = [
  { command: ['check', module], flag: '--runs', min: 1, max: 100_000_000 },
  { command: ['check', module], flag: '--seed', min: 0, max: 2 ** 32 },
  { command: ['check', module], flag: '--clients', min: 1, max: 100_000 },
  { command: ['check', module], flag: '--documents', min: 1, max: 100_000 },
  { command: ['check', module], flag: '--depth', min: 1, max: 20 },
  { command: ['check', module], flag: '--leeway', min: 0, max: 86_400 },
  { command: ['replay', module], flag: '--seed', min: 0, max: 2 ** 32 + 100_000_000 },
  { command: ['examples'], flag: '--runs', min: 1, max: 100_000_000 },
  { command: ['examples'], flag: '--workers', min: 1, max: 256 },
];
const choiceOptions = [
  { flag: '--strategy', choices: ['portfolio', 'random', 'pct', 'timed', 'exhaustive'] },
  { flag: '--auth', choices: ['none', 'jwt'] },
  { flag: '--crypto', choices: ['symbolic', 'real'] },
  { flag: '--faults', choices: ['always', 'sometimes', 'never'] },
  { flag: '--format', choices: ['text', 'mermaid'] },
];
const knownFlags = new Set(['--help', '--clients', '--documents', '--strategy', '--depth', '--config', '--auth', '--leeway', '--crypto', '--faults', '--json', '--runs', '--seed', '--no-shrink', '--shrink', '--failures-dir', '--out', '--format', '--verbose', '--file', '--scenario']);

/** A value outside [min, max] or not a whole number at all (as text), never one the option accepts. */
function badNumber(min: number, max: number): fc.Arbitrary<string> {
  const wholeOrRange = /^\s*\d+\s*(-\s*\d+\s*)?$/;
  return fc.oneof(
    fc.constantFrom('1e400', String(2 ** 60), '9'.repeat(400), '1.5', '0x10', '', ' ', 'NaN', 'Infinity', '-0', '+1', '１２', '٣', '1_000', '10n', '1,000', '2-1'),
    fc.integer({ min: -(2 ** 53), max: -1 }).map(String),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }).map(String),
    ...(min > 0 ? [fc.constant(String(min - 1))] : []),
    fc.string({ unit: 'binary' }).filter((text) => !wholeOrRange.test(text)),
  );
}

describe('hostile arguments exit 2 with a message naming the option', () => {
  it('every numeric option refuses values that are not whole numbers in its range (1e400, 2**60, negatives, unicode digits)', async () => {
    const cases = fc.constantFrom(...numericOptions).chain((option) => fc.tuple(fc.constant(option), badNumber(option.min, option.max), fc.boolean()));
    await fc.assert(
      fc.asyncProperty(cases, async ([option, value, joined]) => {
        await expectInputError([...option.command, ...(joined ? [`${option.flag}=${value}`] : [option.flag, value])], option.flag);
      }),
      { numRuns: 300 },
    );
  });

  it('choice options refuse anything but their choices', async () => {
    const cases = fc.constantFrom(...choiceOptions).chain((option) => fc.tuple(fc.constant(option), fc.string({ unit: 'binary' }).filter((text) => !option.choices.includes(text))));
    await fc.assert(
      fc.asyncProperty(cases, async ([option, value]) => expectInputError(['check', module, option.flag, value], option.flag)),
      { numRuns: 100 },
    );
  });

  it('unknown options, long or short, are refused by name', async () => {
    const long = fc.string({ unit: 'grapheme', minLength: 1 }).map((name) => `--${name}`).filter((flag) => !/[=\s]/.test(flag) && !knownFlags.has(flag));
    const short = fc.constantFrom(...'abcdefgijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')).map((letter) => `-${letter}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(long, short), fc.constantFrom(['check', module], ['replay', module], ['run', '--scenario', 'seeds-race'], ['examples']), async (flag, command) => {
        await expectInputError([...command, flag], flag);
      }),
      { numRuns: 150 },
    );
  });

  it('a repeated option with any invalid occurrence is refused, whichever occurrence it is', async () => {
    const cases = fc.constantFrom(...numericOptions.slice(0, 6)).chain((option) => fc.tuple(fc.constant(option), badNumber(option.min, option.max), fc.boolean()));
    await fc.assert(
      fc.asyncProperty(cases, async ([option, bad, badFirst]) => {
        const good = String(option.min + 1);
        await expectInputError([...option.command, option.flag, badFirst ? bad : good, option.flag, badFirst ? good : bad], option.flag);
      }),
      { numRuns: 100 },
    );
  });

  it('an option without its value, an extra argument, or a module path that is empty, unicode or missing', async () => {
    for (const option of [...numericOptions.slice(0, 6), ...choiceOptions, { flag: '--config' }, { flag: '--failures-dir' }]) {
      await expectInputError(['check', module, option.flag], option.flag);
    }
    await expectInputError(['check', module, 'extra'], 'too many arguments');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }).filter((path) => !path.startsWith('-')), async (path) => expectInputError(['check', path], 'provider module')),
      { numRuns: 100 },
    );
    await expectInputError(['replay', '--seed', '1'], 'needs the provider module');
    await expectInputError(['run', '--scenario', '../../etc/passwd'], 'scenario name');
  });
});

describe('any argv at all', () => {
  it('never ends in an internal error or a stack trace, and a refusal always says why', async () => {
    const token = fc.oneof(
      fc.constantFrom(...knownFlags, '--', '-', '--runs=0', 'nope.ts', 'package.json', 'src', '.', ''),
      badNumber(1, 100),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('check', 'replay', 'run', 'examples', 'frobnicate', ''), fc.array(token, { maxLength: 6 }), async (command, tokens) => {
        // No token names a runnable module; `examples` without a folder would sweep the bundled examples.
        fc.pre(command !== 'examples' || tokens.some((token) => token !== '' && !token.startsWith('-')));
        const argv = [command, ...tokens];
        const result = await run(argv);
        expect({ argv, internalError: result.code === 70, stackTrace: /^\s+at /m.test(`${result.out}\n${result.err}`) }).toEqual({ argv, internalError: false, stackTrace: false });
        if (result.code === 2) expect(result.err).not.toBe('');
      }),
      { numRuns: 400 },
    );
  });
});

describe('hostile --config files exit 2 naming the field', () => {
  const pinnedFields = Object.keys(configPinsSchema.shape);
  const checkWith = (path: string) => ['check', module, '--config', path, '--runs', '1'];

  it('a valid config file is accepted (so that each refusal below is the mutation’s doing)', async () => {
    expect((await run(checkWith(file(asJson({ clients: 2, documents: 1, arrivalSpreadMs: 0 }))))).code).toBe(0);
  });

  it('any pinnable field given a value of the wrong type or out of range is refused, naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pinnedFields), notAnything, async (field, value) => {
        // A value the field does accept is no mutation (an empty `tabs` object pins no tab at all).
        fc.pre(!configPinsSchema.shape[field as keyof typeof configPinsSchema.shape].safeParse(value).success);
        await expectInputError(checkWith(file(asJson({ clients: 2, [field]: value }))), fieldPath(field));
      }),
      { numRuns: 150 },
    );
  });

  it('unknown fields (the seed among them) are refused by name; so are non-objects, truncated and deeply nested JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fieldName.filter((name) => !pinnedFields.includes(name)), async (name) => expectInputError(checkWith(file(asJson({ clients: 2, [name]: 1 }))), name)),
      { numRuns: 50 },
    );
    const valid = asJson({ clients: 2, network: { minMs: 1, maxMs: 2, tailProbability: 0, tailMaxMs: 3 } });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: valid.trimEnd().length - 1 }), async (length) => {
        const path = file(valid.slice(0, length));
        await expectInputError(checkWith(path), path);
      }),
      { numRuns: 40 },
    );
    for (const top of ['[]', '42', '"clients"', 'null', 'true']) await expectInputError(checkWith(file(top)), '(top level)');
    for (const depth of [1_000, 1_000_000]) await expectInputError(checkWith(file(`{"clients": ${'['.repeat(depth)}${']'.repeat(depth)}}`)), 'config file');
    await expectInputError(checkWith(join(folder, 'missing.json')), 'missing.json');
    await expectInputError(checkWith(folder), folder);
  });
});

describe('hostile decision files exit 2 naming the field', () => {
  const valid = {
    format: 'rtc-sim-decisions',
    version: 1,
    module,
    property: 'liveness',
    message: 'a saved run',
    originalSeed: 1,
    config: drawConfig(1, { clients: 2 }),
    decisions: [{ step: 1, event: 'server→c1#1', chosen: 'default', meaning: 'c1: receives noSession' }],
  };
  const replayFile = (path: string) => ['replay', '--file', path];
  // Paths into the valid file whose value can be replaced: top-level fields, the config's, the first decision's.
  const paths = [
    ...Object.keys(valid).map((key) => [key]),
    ...Object.keys(valid.config).map((key) => ['config', key]),
    ...Object.keys(valid.decisions[0] ?? {}).map((key) => ['decisions', '0', key]),
  ];
  const replaced = (path: string[], value: unknown): unknown => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[path.at(-1) as string] = value;
    return copy;
  };
  const original = (path: string[]): unknown => path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], valid);

  it('the valid file replays (so that each refusal below is the mutation’s doing)', async () => {
    expect((await run(replayFile(file(asJson(valid))))).code).toBe(0);
  });

  it('any field given a value of the wrong type, negative, fractional or huge is refused, naming its path', async () => {
    const cases = fc.constantFrom(...paths).chain((path) => fc.tuple(fc.constant(path), typeof original(path) === 'string' ? notAString : notAnything));
    await fc.assert(
      fc.asyncProperty(cases, async ([path, value]) => expectInputError(replayFile(file(asJson(replaced(path, value)))), fieldPath(path.join('.')))),
      { numRuns: 200 },
    );
  });

  it('a missing field, an unknown field, a wrong format or version is refused by name', async () => {
    for (const key of Object.keys(valid)) {
      const { [key]: _removed, ...rest } = valid as Record<string, unknown>;
      await expectInputError(replayFile(file(asJson(rest))), `${key}:`);
    }
    await fc.assert(
      fc.asyncProperty(fieldName, fc.constantFrom<string[]>([], ['config'], ['decisions', '0']), async (name, at) => {
        fc.pre(!(name in ((at.length === 0 ? valid : original(at)) as object)));
        await expectInputError(replayFile(file(asJson(replaced([...at, name], 1)))), name);
      }),
      { numRuns: 60 },
    );
    await expectInputError(replayFile(file(asJson({ ...valid, format: 'rtc-sim-decision' }))), 'format:');
    for (const version of [0, 2, '1', 1.5]) await expectInputError(replayFile(file(asJson({ ...valid, version }))), 'version:');
  });

  it('truncated, non-object and deeply nested JSON is refused, naming the file', async () => {
    const text = asJson(valid);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: text.trimEnd().length - 1 }), async (length) => {
        const path = file(text.slice(0, length));
        await expectInputError(replayFile(path), path);
      }),
      { numRuns: 60 },
    );
    for (const top of ['[]', '42', '"x"', 'null']) await expectInputError(replayFile(file(top)), '(top level)');
    for (const depth of [1_000, 1_000_000]) await expectInputError(replayFile(file(`{"decisions": ${'['.repeat(depth)}${']'.repeat(depth)}}`)), 'decision file');
    await expectInputError(replayFile(join(folder, 'missing.json')), 'missing.json');
  });
});

describe('as a real process: exit 2, a message, no stack trace', () => {
  it('a huge number, an unknown option, a truncated decision file and a config field of the wrong type', async () => {
    const cases: [string[], string][] = [
      [['check', module, '--runs', '1e400'], '--runs'],
      [['check', module, '--frobnicate'], '--frobnicate'],
      [['replay', '--file', file('{"format": "rtc-sim-deci')], 'not valid JSON'],
      [['check', module, '--config', file('{"clients": "many"}')], 'clients:'],
    ];
    const results = await Promise.all(cases.map(([argv]) => spawnCli(argv)));
    results.forEach((result, index) => {
      const [argv, what] = cases[index] ?? [[], ''];
      expect({ argv, code: result.code, stackTrace: /^\s+at /m.test(result.err), named: result.err.includes(what) }).toEqual({ argv, code: 2, stackTrace: false, named: true });
    });
  }, 60_000);
});

// Inputs that did not exit cleanly when this suite was written; fixed since, and kept as regressions.
describe('inputs that once misbehaved', () => {
  it('--failures-dir naming an existing file, with a failing module, is an input error rather than internal error 70', async () => {
    await expectInputError(['check', 'examples/providers/buggy-new-key-every-call.ts', '--no-shrink', '--failures-dir', 'package.json'], '--failures-dir');
  });

  it('--out naming an existing file, with a failing module, is an input error rather than internal error 70', async () => {
    await expectInputError(['check', 'examples/providers/buggy-new-key-every-call.ts', '--no-shrink', '--failures-dir', folder, '--out', 'package.json'], '--out');
  });

  it('a provider whose own code leaves a rejection unhandled does not kill the process, and the rejection is reported', async () => {
    const stray = join(folder, 'stray-rejection.ts');
    writeFileSync(stray, `export default async ({ keyHint }) => {\n  Promise.reject(new Error('forgotten'));\n  return { key: 'k', keyHint: keyHint ?? 'v1' };\n};\n`);
    const result = await spawnCli(['check', stray, '--runs', '20']);
    expect({ code: result.code, stackTrace: /^\s+at /m.test(result.err) }).toEqual({ code: 0, stackTrace: false });
    expect(result.err).toMatch(/warning: provider code left \d+ promise rejections? unhandled \(the first: Error: forgotten\)/);
  }, 60_000);

  it('--config is validated with --strategy exhaustive too', async () => {
    await expectInputError(['check', module, '--strategy', 'exhaustive', '--runs', '2', '--config', file('{"clients": "many"}')], 'clients:');
  });
});
