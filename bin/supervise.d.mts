/** The stall bound in seconds from RTC_SIM_STALL_SECONDS (default 30), or the usage error to print. */
export function stallSeconds(text: string | undefined, variable?: string, secondsDefault?: number): { seconds: number; problem?: undefined } | { seconds?: undefined; problem: string };
/** The bytes of one thread's slot in the activity file. */
export const activitySlotBytes: number;
/** Runs `node <entry> ...args` supervised; resolves with the exit code to leave with. */
export function superviseCli(entry: string, args: readonly string[], options?: { env?: Record<string, string> }): Promise<number>;
