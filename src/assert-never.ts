/** The default branch of a switch over a union: a kind left unhandled is a compile error, and a run-time one. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
