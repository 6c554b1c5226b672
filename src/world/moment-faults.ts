import type { ProtocolMoment } from '../config/moments.ts';
import type { FaultShape, FaultTarget, Registry } from '../config/registry.ts';

interface Armed {
  readonly fault: FaultShape;
  readonly atMoment: (fault: FaultShape, moment: ProtocolMoment, world: FaultTarget) => boolean;
}

/** The faults of a plan that wait for a protocol moment: each fires once, the first time its verb says the moment is its own. */
export class MomentFaults {
  private armed: Armed[];

  constructor(events: readonly FaultShape[], registry: Registry) {
    this.armed = events.flatMap((fault) => {
      const verb = registry.verb(fault.kind);
      return verb.atMoment === undefined ? [] : [{ fault, atMoment: verb.atMoment.bind(verb) }];
    });
  }

  /** Offers a moment to every armed fault, in plan order; `target` is made only when some fault is still armed. */
  reached(moment: ProtocolMoment, target: () => FaultTarget): void {
    if (this.armed.length === 0) return;
    const waiting = this.armed;
    const fired = new Set<Armed>();
    for (const armed of waiting) if (armed.atMoment(armed.fault, moment, target())) fired.add(armed);
    if (fired.size > 0) this.armed = this.armed.filter((armed) => !fired.has(armed));
  }
}
