import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "Unable to retrieve JWK set". */
export const scenario = refusedTokenScenario('Unable to retrieve JWK set', 'unknown-key.ts', 'signs with a key whose public half is not in the JWK set');
