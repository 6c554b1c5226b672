import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "A part was not correctly base64 encoded". */
export const scenario = refusedTokenScenario('A part was not correctly base64 encoded', 'bad-base64.ts', 'returns a URL-encoded token');
