import { loadScenario, runScenario } from '../src/scenario.ts';
import { renderTimeline } from '../src/report/timeline.ts';
import type { SimulationResult } from '../src/simulate.ts';
import type { TraceRecord } from '../src/model/observations.ts';

/** Runs a scenario by name and returns its result, failing the test on input errors. */
export async function playScenario(name: string): Promise<SimulationResult> {
  const scenario = await loadScenario(name);
  if (!scenario.ok) throw new Error(scenario.error.message);
  const result = await runScenario(scenario.value);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The plain-text timeline of a result. */
export function timelineOf(result: SimulationResult): string {
  return renderTimeline(result.trace ?? [], result.outcome);
}

/** The records of a trace as compact "actor kind detail" lines, for ordered assertions. */
export function storyOf(trace: readonly TraceRecord[]): string[] {
  return trace.flatMap((record) => {
    switch (record.kind) {
      case 'deliver':
        return [`${record.actor} gets ${record.message.type} from ${record.from}`];
      case 'provider-call':
        return [`${record.actor} asks provider for ${record.keyHint === null ? 'a new key' : `hint ${record.keyHint}`}`];
      case 'session':
        return [`server: session ${record.status}, owner ${record.owner}`];
      case 'state':
        return [`${record.actor} is ${record.state}`];
      default:
        return [];
    }
  });
}
