import { otherTabs, pageState, type BroadcastEndpoint } from './page-state.ts';
import { deliverToTab, type TabParts } from './tab-messages.ts';

/**
 * The page's `BroadcastChannel`: channels of one name in one browser profile hear each other — the other tabs'
 * and the same tab's other channels, never the sender itself — each message a task of the receiving tab (a
 * kernel event), its data a structured clone made when it is posted. A closed channel, or one of a page that
 * crashed, hears nothing. The profile is the browser's: other browsers, and a fresh probe, never hear it.
 */
export function pageBroadcastChannel(parts: TabParts & { readonly alive: () => boolean }): unknown {
  const { world, clientId } = parts;
  const profile = pageState(world, clientId).profile;
  return class BroadcastChannel extends EventTarget {
    onmessage: ((event: MessageEvent) => unknown) | null = null;
    onmessageerror: ((event: MessageEvent) => unknown) | null = null;
    readonly #endpoint: BroadcastEndpoint;

    constructor(readonly name: string) {
      super();
      this.name = String(name);
      this.#endpoint = { name: this.name, tab: clientId, channel: this, alive: parts.alive, closed: false };
      profile.channels.push(this.#endpoint);
    }

    postMessage(message: unknown): void {
      if (this.#endpoint.closed) throw new DOMException("Failed to execute 'postMessage' on 'BroadcastChannel': Channel is closed", 'InvalidStateError');
      const data = structuredClone(message);
      const tabs = [pageState(world, clientId), ...otherTabs(world, profile, clientId)];
      for (const receiver of tabs) {
        const listeners = profile.channels.filter((endpoint) => endpoint !== this.#endpoint && endpoint.name === this.name && endpoint.tab === receiver.id);
        if (listeners.length === 0) continue;
        deliverToTab(parts, receiver, receiver.id, () => {
          for (const endpoint of listeners) {
            if (endpoint.closed || !endpoint.alive()) continue;
            const event = new MessageEvent('message', { data: structuredClone(data) });
            endpoint.channel.onmessage?.(event);
            endpoint.channel.dispatchEvent(event);
          }
        });
      }
    }

    close(): void {
      this.#endpoint.closed = true;
    }
  };
}
