/**
 * Ends every `switch` over a union: a case the switch forgets leaves its value typed as something other than
 * `never`, so the call does not compile. At run time it is reached only by data that escaped the types.
 */
export function assertNever(value: never, what = 'case'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
