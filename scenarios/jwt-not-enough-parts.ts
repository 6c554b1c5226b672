import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "Not enough parts". */
export const scenario = refusedTokenScenario('Not enough parts', 'not-enough-parts.ts', 'drops the signature part');
