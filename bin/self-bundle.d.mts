/** The directory of rtc-sim's package.json, with a trailing slash, wherever the code runs from. */
export const packageRoot: string;
/** Whether rtc-sim runs from its TypeScript sources (a clone) rather than its compiled build (an installed package). */
export const runsFromSources: boolean;
/** Bundles an entry (relative to the package root) into node_modules/.cache/rtc-sim; undefined if it cannot be written. */
export function bundleEntry(entry: string): Promise<string | undefined>;
/** Runs an entry (relative to the package root) from its bundle, else through tsx. */
export function runEntry(entry: string): Promise<unknown>;
