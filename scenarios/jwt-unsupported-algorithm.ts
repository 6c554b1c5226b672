import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "Unsupported JWT signature algorithm". */
export const scenario = refusedTokenScenario('Unsupported JWT signature algorithm', 'hs256.ts', 'signs with HS256 and a shared secret');
