import type { PGlite } from '@electric-sql/pglite';
import { onMachine, type DatabaseMachine, type EngineSources } from './machine.ts';

/** The random device's buffer size in PGlite's Emscripten runtime: it refills this many bytes at a time. */
const deviceBufferBytes = 1024;

interface EmscriptenFileSystem {
  open(path: string, flags: string): unknown;
  read(stream: unknown, buffer: Uint8Array, offset: number, length: number): number;
  close(stream: unknown): void;
}

/**
 * Makes the engine's random device (/dev/urandom, the source of `gen_random_uuid()`) start the run from
 * `machine.entropy`. The device hands out a 1,024-byte buffer and refills it only when it is empty, so bytes
 * left over from the previous run would carry into this one. Reading one byte at a time until the device
 * refills (under `machine`) leaves a buffer drawn from this run's stream alone, whatever came before. After
 * any read at most 1,023 bytes are left, so the 1,024th read refills at the latest.
 */
export function reseedRandomDevice(pglite: PGlite, machine: DatabaseMachine): void {
  const fileSystem = (pglite.Module as unknown as { FS: EmscriptenFileSystem }).FS;
  let refilled = false;
  const noticing: EngineSources = {
    clockMs: machine.clockMs,
    entropy: {
      bytes: (length) => {
        refilled = true;
        return machine.entropy.bytes(length);
      },
    },
  };
  const device = fileSystem.open('/dev/urandom', 'r');
  const byte = new Uint8Array(1);
  try {
    onMachine(noticing, () => {
      for (let read = 0; read < deviceBufferBytes && !refilled; read++) fileSystem.read(device, byte, 0, 1);
    });
  } finally {
    fileSystem.close(device);
  }
  if (!refilled) throw new Error(`reseedRandomDevice(): the random device did not refill within ${deviceBufferBytes} bytes`);
}
