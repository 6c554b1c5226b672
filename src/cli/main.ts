import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { checkCommand } from './check-command.ts';
import { examplesCommand, stackRunsDefault } from './examples-command.ts';
import { exitCodes } from './exit-codes.ts';
import type { Io } from './io.ts';
import { loadSource } from './load-source.ts';
import { balancerOption, consistencyOption, countOrRange, instancesOrRange, pageOrigin, repeated, shellWord, strategyName, wholeNumber } from './options.ts';
import { replayCommand } from './replay-command.ts';
import { scenarioCommand } from './scenario-command.ts';
import { mergeCommand, shardOption } from './merge-command.ts';
import { timeAndRandomModes } from '../providers/nondeterminism.ts';
import { typecheckChoices, typecheckLines, typecheckModule, type TypecheckMode } from './typecheck.ts';

const runsDefault = 2000;
const seedDefault = 1;

/** Parses arguments and runs one command; resolves to the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const exit: ExitCode = { code: exitCodes.pass };
  const program = new Command('rtc-sim')
    .description('A deterministic simulator of the TinyMCE RTC create-session race that checks your rtc_encryption_provider.')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)');
  for (const addCommand of [addCheck, addMerge, addReplay, addRun, addExamples]) addCommand(program, io, exit);
  try {
    await program.parseAsync(typecheckFlagAlone(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? exitCodes.pass
        : exitCodes.input;
    }
    throw error;
  }
  return exit.code;
}

/** Where a command's action leaves its exit code for main() to return. */
interface ExitCode {
  code: number;
}

/** The options that shape the simulated world, shared by check and replay. */
function worldOptions(command: Command): Command {
  return command
    .option('--clients <n>', 'simulated browsers: N, or A-B for a count drawn per seed', countOrRange)
    .option('--documents <m>', 'documents the clients open: M, or A-B for a count drawn per seed (default 1-3)', countOrRange)
    .addOption(new Option('--strategy <name>', 'portfolio (default) | random | pct | timed | exhaustive').argParser(strategyName))
    .option('--depth <d>', "PCT's bug depth d (pins it for pct runs)", wholeNumber(1, 20))
    .option('--config <file>', 'a JSON file pinning any fields of the run configuration')
    .addOption(new Option('--auth <mode>', 'connection authentication: none (default) | jwt').choices(['none', 'jwt']))
    .option('--leeway <seconds>', 'clock leeway the server allows on JWT times (default 30)', wholeNumber(0, 86_400))
    .option('--token-provider <module>', 'your rtc_token_provider module (createTokenProvider(env) or a default export); implies --auth jwt')
    .option('--backend <module>', "your backend module (createBackend(env) returning your HTTP handler or app): the providers' fetch reaches it, over the simulated network")
    .option('--env <KEY=VALUE>', "a variable of the backend machine's process.env (repeatable); the host's environment never reaches it", repeated)
    .option('--env-file <path>', "a .env file of the backend machine's variables (--env wins)")
    .addOption(new Option('--crypto <mode>', 'session encryption: symbolic (default, fast) | real (WebCrypto)').choices(['symbolic', 'real']))
    .addOption(
      new Option('--time-and-random <mode>', "your module's Date.now(), new Date(), performance.now() and Math.random(): report (default, a nondeterminism finding) | route (answered from the simulation, silently)").choices(timeAndRandomModes),
    )
    .option('--backend-instances <n>', 'processes of your backend behind a load balancer, 1 to 8: N, or A-B for a count drawn per seed (default 1-3)', instancesOrRange)
    .addOption(new Option('--database <engine>', "your backend's database: postgres (a real PostgreSQL server, the default) | pglite (PGlite, one session: transactions run one at a time)").choices(['postgres', 'pglite']))
    .option('--balancer <policy>', 'how the load balancer picks an instance: round-robin | random | sticky (default: drawn per seed)', balancerOption)
    .option('--origin <url>', "the origin the browsers' pages are served from (default https://app.example); RTC needs a secure context: https or localhost", pageOrigin)
    .option('--consistency <mode>', "the key store's consistency: strong (default) | eventual[:lagMs] (reads from a replica lagging writes by lagMs, default 500)", consistencyOption)
    .addOption(new Option('--faults <mode>', 'how often seeds draw a fault plan: always | sometimes (default) | never').choices(['always', 'sometimes', 'never']))
    .addOption(new Option('--typecheck [mode]', 'type-check a TypeScript module even without a tsconfig.json; strict: type errors are an input error').choices(typecheckChoices))
    .option('--no-typecheck', 'do not type-check, even beside a tsconfig.json')
    .option('--json', 'print one JSON object instead of text');
}

/** `--typecheck` as commander gives it: absent, bare (`true`), a mode, or `--no-typecheck` (`false`). */
type TypecheckFlag = boolean | (typeof typecheckChoices)[number] | undefined;

/**
 * `--typecheck` takes an optional mode: followed by anything else (`--typecheck my-provider.ts`), it is the
 * bare flag, and the word after it stays an argument.
 */
function typecheckFlagAlone(argv: readonly string[]): string[] {
  return argv.map((word, index) => (word === '--typecheck' && !(typecheckChoices as readonly string[]).includes(argv[index + 1] ?? '') ? '--typecheck=warn' : word));
}

/**
 * Type-checks the user's TypeScript modules before a command runs them: errors are warnings, or with
 * `--typecheck strict` an input error. Resolves to false when the command must stop (exit 2).
 */
async function typecheckFirst(modules: readonly (string | undefined)[], flag: TypecheckFlag, io: Io): Promise<boolean> {
  const mode: TypecheckMode = flag === undefined ? 'auto' : flag === true ? 'warn' : flag === false ? 'off' : flag;
  let clean = true;
  for (const module of modules) {
    if (module === undefined) continue;
    const outcome = await typecheckModule(resolve(io.cwd, module), mode);
    const lines = typecheckLines(outcome, io.cwd);
    if (lines.length === 0) continue;
    clean = false;
    const [first = '', ...rest] = lines;
    io.err([`${mode === 'strict' ? 'input error' : 'warning'}: ${first}`, ...rest].join('\n'));
  }
  return clean || mode !== 'strict';
}

function addCheck(program: Command, io: Io, exit: ExitCode): void {
  worldOptions(
    program
      .command('check')
      .description('run seeded schedules against a provider module; stop at the first violation')
      .argument('<module>', 'provider module (.ts or .js) exporting createProvider(env) or a default provider')
      .option('--runs <n>', 'schedules to run (exhaustive: the most to explore)', wholeNumber(1, 100_000_000), runsDefault)
      .option('--seed <s>', 'seed of the first run', wholeNumber(0, 2 ** 32), seedDefault)
      .option('--no-shrink', 'report the failing run as found, without shrinking it')
      .option('--failures-dir <dir>', 'where failing runs are saved as decision files', 'rtc-sim-failures')
      .option('--out <dir>', "write the failing run's trace JSON, Mermaid diagram and HTML report into <dir>")
      .addOption(new Option('--format <format>', 'show the failing run as a text timeline or a Mermaid sequence diagram').choices(['text', 'mermaid']).default('text'))
      .option('--workers <n>', 'threads to spread the seeds over: this one and n - 1 pool threads (default: the available cores)', wholeNumber(1, 256))
      .option('--shard <k/n>', "run only this CI job's slice of the seeds; combine the --json reports with merge", shardOption)
      .option('--verbose', "print every run's resolved world"),
  ).action(async (module: string, { typecheck, ...options }) => {
    if (!(await typecheckFirst([module, options.tokenProvider, options.backend], typecheck, io))) exit.code = exitCodes.input;
    else exit.code = await checkCommand(module, typecheck === false ? { ...options, noTypecheck: true } : options, io);
  });
}

function addMerge(program: Command, io: Io, exit: ExitCode): void {
  program
    .command('merge')
    .description('combine the --json reports of check --shard k/n jobs into the verdict one job would give')
    .argument('<reports...>', 'the JSON report files, one per shard')
    .option('--json', 'print one JSON object instead of text')
    .action((files: string[], options: { json?: boolean }) => {
      exit.code = mergeCommand(files, options, io);
    });
}

function addReplay(program: Command, io: Io, exit: ExitCode): void {
  worldOptions(
    program
      .command('replay')
      .description('run one seed (or a saved decision file) again and print its whole trace')
      .argument('[module]', 'provider module (with --file: defaults to the one the file names)')
      .option('--seed <s>', 'the seed of the run to replay', wholeNumber(0, 2 ** 32 + 100_000_000))
      .option('--file <path>', 'a decision file written by check'),
  ).action(async (module: string | undefined, { typecheck, ...options }) => {
    if (!(await typecheckFirst([module, options.tokenProvider, options.backend], typecheck, io))) exit.code = exitCodes.input;
    else exit.code = await replayCommand(module, options, io);
  });
}

function addRun(program: Command, io: Io, exit: ExitCode): void {
  program
    .command('run')
    .description('run a scripted scenario from scenarios/')
    .requiredOption('--scenario <name>', 'scenario name, e.g. seeds-race')
    .option('--json', 'print one JSON object instead of text')
    .action(async (options: { scenario: string; json?: boolean }) => {
      exit.code = await scenarioCommand(options.scenario, options, io);
    });
}

function addExamples(program: Command, io: Io, exit: ExitCode): void {
  program
    .command('examples')
    .description('check every example provider and stack (good-*, buggy-*) and print a verdict table')
    .argument('[dir]', 'folder of example providers and stack folders (default: the bundled examples)')
    .option('--runs <n>', 'schedules per example', wholeNumber(1, 100_000_000), runsDefault)
    .option('--stack-runs <n>', `schedules per stack example (a provider with a backend), at most --runs (default ${stackRunsDefault})`, wholeNumber(1, 100_000_000))
    .option('--seed <s>', 'seed of the first run', wholeNumber(0, 2 ** 32), seedDefault)
    .option('--workers <n>', 'examples checked at once: this thread and n - 1 pool threads (default: the available cores)', wholeNumber(1, 256))
    .action(async (directory: string | undefined, options: { runs: number; seed: number; stackRuns?: number; workers?: number }) => {
      exit.code = await examplesCommand(directory, options, io);
    });
}
