import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadBackendModule } from '../../src/backend/load.ts';
import type { ConnectionTarget } from '../../src/providers/simulated-network.ts';
import { serve, settling, testEnv, testMachine } from '../backend/support.ts';
import { scratchModules } from '../cli-support.ts';

// The one hook for a backend's outgoing connections (simulated-network.ts): the world answers a socket with a
// duplex of its own (the database); any other target is refused and named.
const scratch = scratchModules('rtc-sim-routed-connection');

const backend = `import net from 'node:net';
export function createBackend() {
  return async (request) => {
    const target = new URL(request.url).searchParams.get('to') ?? 'db.internal:5432';
    const [host, port] = target.split(':');
    try {
      const socket = new net.Socket();
      const reply = await new Promise((resolve, reject) => {
        socket.on('data', (data) => resolve(String(data)));
        socket.on('error', reject);
        socket.connect(Number(port), host, () => socket.write('ping'));
      });
      socket.end();
      return Response.json({ reply });
    } catch (error) {
      return Response.json({ refused: String(error.message) }, { status: 503 });
    }
  };
}
`;

function echoPeer(): { readonly targets: ConnectionTarget[]; route(target: ConnectionTarget): Duplex | undefined } {
  const targets: ConnectionTarget[] = [];
  return {
    targets,
    route(target) {
      targets.push(target);
      if (target.host !== 'db.internal' || target.port !== 5432) return undefined;
      return new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, callback) {
          this.push(`pong:${String(chunk)}`);
          callback();
        },
      });
    },
  };
}

describe('a backend socket goes where the machine routes it', () => {
  it('a routed target answers from the simulation; another target is refused and named', async () => {
    const loaded = await loadBackendModule(scratch.write('socket-backend.js', backend));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const peer = echoPeer();
    const machine = { ...testMachine(), connections: (target: ConnectionTarget) => peer.route(target) };
    const started = await settling(loaded.value, loaded.value.start(testEnv(), machine));
    if (!started.ok) throw new Error(started.problem.message);
    const routed = await serve(loaded.value, started.handler, new Request('https://app.example/key'));
    expect(await routed.json()).toEqual({ reply: 'pong:ping' });
    expect(machine.findings).toEqual([]);
    const refused = await serve(loaded.value, started.handler, new Request('https://app.example/key?to=127.0.0.1:5432'));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ refused: expect.stringContaining('net.Socket.connect() to 127.0.0.1:5432 is not available inside the simulated backend') });
    expect(machine.findings).toEqual([expect.objectContaining({ api: 'net.Socket.connect() to 127.0.0.1:5432', clientId: 'backend' })]);
    expect(peer.targets).toEqual([{ host: 'db.internal', port: 5432 }, { host: '127.0.0.1', port: 5432 }]);
  });
});
