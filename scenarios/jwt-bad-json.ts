import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "A part was not valid JSON". */
export const scenario = refusedTokenScenario('A part was not valid JSON', 'bad-json.ts', 'puts text that is not JSON in the payload');
