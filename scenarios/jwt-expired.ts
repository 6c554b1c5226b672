import { refusedTokenScenario } from './jwt-scenario-world.ts';

/** The server refuses the token with "JWT has expired". */
export const scenario = refusedTokenScenario('JWT has expired', 'expired.ts', 'hands out a token issued ten minutes ago for five minutes');
