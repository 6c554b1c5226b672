import { describe, expect, it } from 'vitest';
import { pageBroadcastChannel } from '../../src/model/browser/broadcast-channel.ts';
import { pageState } from '../../src/model/browser/page-state.ts';
import { announceStorageChange, deliverToTab } from '../../src/model/browser/tab-messages.ts';
import { runQueue } from './support.ts';
import { runBackwards, tabsWorld } from './browser-tabs-support.ts';

describe('a task delivered to a tab', () => {
  it("runs as a kernel event keyed tab:cN#n, on the receiving tab's own FIFO lane, in the order it was sent", async () => {
    const { world, parts } = tabsWorld();
    const ran: string[] = [];
    const toTab = (receiver: string, label: string) => deliverToTab(parts('c1'), pageState(world, receiver), receiver, () => ran.push(label));
    toTab('c2', 'first');
    toTab('c2', 'second');
    toTab('c3', 'other tab');
    toTab('c2', 'third');
    // Only the head of each tab's lane may run: one candidate per tab.
    const enabled = world.queue.enabled();
    expect(enabled.map((event) => [event.key, event.actor, event.resources, event.lane?.name, event.timing, event.dueMs])).toEqual([
      ['tab:c2#1', 'c2', ['c2'], 'tab:c2', 'async', 0],
      ['tab:c3#1', 'c3', ['c3'], 'tab:c3', 'async', 0],
    ]);
    // Even a strategy that always picks the newest event cannot run a tab's tasks out of order.
    expect(await runBackwards(world)).toEqual(['tab:c3#1', 'tab:c2#1', 'tab:c2#2', 'tab:c2#3']);
    expect(ran).toEqual(['other tab', 'first', 'second', 'third']);
    // The count goes on across deliveries: the next task to c2 is its fourth.
    toTab('c2', 'fourth');
    expect(world.queue.enabled().map((event) => event.key)).toEqual(['tab:c2#4']);
  });

  it("reports a task that throws as the receiving tab's uncaught error, and the tab's next task still runs", async () => {
    const { world, parts } = tabsWorld();
    world.wanted = new Set(['console']);
    const ran: string[] = [];
    deliverToTab(parts('c1'), pageState(world, 'c2'), 'c2', () => {
      throw new RangeError('boom');
    });
    deliverToTab(parts('c1'), pageState(world, 'c2'), 'c2', () => ran.push('next'));
    await runQueue(world);
    expect(world.records).toEqual([{ kind: 'console', actor: 'c2', level: 'error', text: 'Uncaught RangeError: boom' }]);
    expect(ran).toEqual(['next']);
  });

  it('says nothing of a throwing task when the run records no console lines', async () => {
    const { world, parts } = tabsWorld();
    world.wanted = new Set(['storage']);
    deliverToTab(parts('c1'), pageState(world, 'c2'), 'c2', () => {
      throw new Error('quiet');
    });
    await runQueue(world);
    expect(world.records).toEqual([]);
  });

  it('does nothing once the world is closed (the run ended with the task still queued)', async () => {
    const { world, parts } = tabsWorld();
    const ran: string[] = [];
    deliverToTab(parts('c1'), pageState(world, 'c2'), 'c2', () => ran.push('late'));
    world.closed = true;
    await runQueue(world);
    expect(ran).toEqual([]);
  });
});

describe('a storage event', () => {
  it("reaches every live instance of the profile's other tabs, never the writer or another browser", async () => {
    const { world, parts } = tabsWorld({ c2: 'c1', c3: 'c1' });
    const heard: string[] = [];
    const instance = (clientId: string, label: string, alive = true) => {
      const window = new EventTarget();
      window.addEventListener('storage', (event) => {
        const { key, oldValue, newValue, url, type } = event as Event & { key: string; oldValue: string | null; newValue: string | null; url: string };
        heard.push(`${label} ${type} ${key} ${oldValue} → ${newValue} at ${url}`);
      });
      pageState(world, clientId).instances.push({ window, alive: () => alive });
    };
    instance('c1', 'c1 (the writer)');
    instance('c2', 'c2 crashed instance', false);
    instance('c2', 'c2 reloaded instance');
    instance('c3', 'c3');
    instance('c4', 'c4 (another browser)');
    announceStorageChange(parts('c1'), { key: 'k', oldValue: null, newValue: 'v1' }, 'https://app.example/');
    expect(world.queue.enabled().map((event) => event.key)).toEqual(['tab:c2#1', 'tab:c3#1']);
    await runQueue(world);
    expect(heard).toEqual(['c2 reloaded instance storage k null → v1 at https://app.example/', 'c3 storage k null → v1 at https://app.example/']);
  });
});

type Channel = EventTarget & { readonly name: string; onmessage: ((event: MessageEvent) => unknown) | null; postMessage(message: unknown): void; close(): void };
type ChannelClass = new (name: string) => Channel;

/** The BroadcastChannel class of each tab of a world (c2 a second tab of c1's browser unless `tabs` says otherwise). */
function channels(tabs?: Readonly<Record<string, string>>) {
  const built = tabsWorld(tabs);
  const classOf = (clientId: string) => pageBroadcastChannel(built.parts(clientId)) as ChannelClass;
  const heard: string[] = [];
  // A channel that logs what it hears, by `onmessage` or by a listener.
  const open = (clientId: string, name: string, label: string, by: 'onmessage' | 'listener' = 'onmessage'): Channel => {
    const channel = new (classOf(clientId))(name);
    const hear = (event: MessageEvent) => heard.push(`${label} hears ${JSON.stringify(event.data)}${event.type === 'message' ? '' : ` as ${event.type}`}`);
    if (by === 'onmessage') channel.onmessage = hear;
    else channel.addEventListener('message', (event) => hear(event as MessageEvent));
    return channel;
  };
  return { ...built, classOf, heard, open };
}

describe('BroadcastChannel between the tabs of one browser', () => {
  it("delivers to the same name's channels of the sender's tab and of the browser's other tabs, never to the sender, another name or another browser", async () => {
    const { world, heard, open } = channels();
    const sender = open('c1', 'keys', 'c1 sender');
    open('c1', 'keys', 'c1 second channel');
    open('c1', 'other', 'c1 other name');
    open('c2', 'keys', 'c2', 'listener');
    open('c2', 'other', 'c2 other name');
    open('c3', 'keys', 'c3 (another browser)');
    sender.postMessage({ hint: 'h1' });
    expect(world.queue.enabled().map((event) => event.key)).toEqual(['tab:c1#1', 'tab:c2#1']);
    await runQueue(world);
    expect(heard).toEqual(['c1 second channel hears {"hint":"h1"}', 'c2 hears {"hint":"h1"}']);
    expect(sender.name).toBe('keys');
  });

  it('schedules nothing for a tab with no channel of the name', () => {
    const { world, open } = channels();
    open('c2', 'other', 'c2');
    open('c1', 'keys', 'c1').postMessage('x');
    expect(world.queue.enabled()).toEqual([]);
  });

  it('delivers each message as a clone made when it was posted, a fresh copy for each channel, in order', async () => {
    const { world, classOf, open } = channels();
    const received: unknown[] = [];
    const first = new (classOf('c2'))('keys');
    const second = new (classOf('c2'))('keys');
    first.onmessage = (event) => received.push(event.data);
    second.addEventListener('message', (event) => received.push((event as MessageEvent).data));
    const message = { keys: ['k1'] };
    const sender = open('c1', 'keys', 'c1');
    sender.postMessage(message);
    sender.postMessage(2);
    message.keys.push('changed after posting');
    await runBackwards(world);
    expect(received).toEqual([{ keys: ['k1'] }, { keys: ['k1'] }, 2, 2]);
    expect(received[0]).not.toBe(received[1]);
    expect(received[0]).not.toBe(message);
  });

  it('calls onmessage and then the listeners of one channel, with the same event', async () => {
    const { world, classOf, open } = channels();
    const channel = new (classOf('c2'))('keys');
    const events: Event[] = [];
    const order: string[] = [];
    channel.onmessage = (event) => {
      events.push(event);
      order.push('onmessage');
    };
    channel.addEventListener('message', (event) => {
      events.push(event);
      order.push('listener');
    });
    open('c1', 'keys', 'c1').postMessage('m');
    await runQueue(world);
    expect(order).toEqual(['onmessage', 'listener']);
    expect(events[0]).toBe(events[1]);
    expect(events[0]).toBeInstanceOf(MessageEvent);
  });

  it('a closed channel hears nothing (even a message already on its way) and cannot post', async () => {
    const { world, heard, open } = channels();
    const closing = open('c2', 'keys', 'c2 closing');
    open('c2', 'keys', 'c2 open');
    const sender = open('c1', 'keys', 'c1');
    sender.postMessage('before close');
    closing.close();
    sender.postMessage('after close');
    await runQueue(world);
    expect(heard).toEqual(['c2 open hears "before close"', 'c2 open hears "after close"']);
    expect(() => closing.postMessage('from a closed channel')).toThrow("Failed to execute 'postMessage' on 'BroadcastChannel': Channel is closed");
    try {
      closing.postMessage('again');
    } catch (error) {
      expect([error instanceof DOMException, (error as DOMException).name]).toEqual([true, 'InvalidStateError']);
    }
    // A channel that was never closed posts (to its own tab's other channels and to c1's).
    open('c2', 'keys', 'c2 new').postMessage('still open');
    await runQueue(world);
    expect(heard.slice(2)).toEqual(['c2 open hears "still open"', 'c1 hears "still open"']);
  });

  it('the channel of a crashed page hears nothing; a tab whose page crashed still delivers to the others', async () => {
    const { world, heard, open, crash } = channels({ c2: 'c1', c3: 'c1' });
    open('c2', 'keys', 'c2');
    open('c3', 'keys', 'c3');
    crash('c2');
    open('c1', 'keys', 'c1').postMessage('after the crash');
    await runQueue(world);
    expect(heard).toEqual(['c3 hears "after the crash"']);
  });

  it('takes its name as a string', () => {
    const { classOf } = channels();
    expect(new (classOf('c1'))(42 as unknown as string).name).toBe('42');
  });
});
