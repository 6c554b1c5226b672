import { renderTimeline } from '../report/timeline.ts';
import { loadScenario, runScenario, scenarioEnding } from '../scenario.ts';
import { describeConfig } from './describe-config.ts';
import { exitCodes, inputErrorMessage } from './exit-codes.ts';
import { painterFor, type Io } from './io.ts';
import { resultJson } from './replay-command.ts';

/** `rtc-sim run --scenario <name>`: runs a scripted scenario; exit 0 when it ends as its script expects. */
export async function scenarioCommand(name: string, options: { readonly json?: boolean }, io: Io): Promise<number> {
  const scenario = await loadScenario(name);
  if (!scenario.ok) {
    io.err(inputErrorMessage(scenario.error));
    return exitCodes.input;
  }
  const result = await runScenario(scenario.value);
  if (!result.ok) {
    io.err(inputErrorMessage(result.error));
    return exitCodes.input;
  }
  const ending = scenarioEnding(result.value);
  const asExpected = ending === scenario.value.expected;
  if (options.json === true) {
    io.out(JSON.stringify({ scenario: name, expected: scenario.value.expected, ending, asExpected, ...resultJson(result.value) }));
  } else {
    const paint = painterFor(io);
    io.out(paint.bold(`scenario ${name}`));
    for (const line of scenario.value.story) io.out(`  ${line}`);
    io.out(`world: ${describeConfig(result.value.config)}`);
    io.out('');
    io.out(renderTimeline(result.value.trace ?? [], result.value.outcome, paint));
    io.out('');
    io.out(asExpected ? paint.green(`scenario ended as expected (${ending})`) : paint.red(`scenario expected ${scenario.value.expected} but ended ${ending}`));
  }
  return asExpected ? exitCodes.pass : exitCodes.violation;
}
