import type { EventQueue } from '../kernel/event-queue.ts';
import type { HostWork } from '../kernel/host-work.ts';
import type { DatabaseScheduler } from './scheduling.ts';

/**
 * The database's scheduler on the kernel: each statement an asynchronous event of `queue`, the idle timeout
 * a timer, and the engine's work tracked by `hostWork` so that the loop waits for it before the next event
 * and delivers outcomes in start order. How the world wires the component.
 */
export function kernelScheduler(queue: EventQueue, hostWork: HostWork): DatabaseScheduler {
  return {
    schedule(event) {
      const spec = {
        key: event.key,
        actor: event.actor,
        resources: event.resources,
        delayMs: event.delayMs,
        action: () => hostWork.track(event.start(), event.finish),
      };
      const scheduled = event.timing === 'timer' ? queue.timer(spec) : queue.async(spec);
      return { cancel: () => queue.cancel(scheduled) };
    },
  };
}
