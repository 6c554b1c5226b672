import type * as NodeOs from 'node:os';

/** What a simulated machine's node:os answers from. */
export interface OsParts {
  /** The real module: its constants and the facts of the Node build (platform, arch) that `process` shares. */
  readonly real: typeof NodeOs;
  /** Virtual seconds the machine has been up (its `process.uptime()`). */
  readonly uptimeSeconds: () => number;
  /** Reports `api` as a finding and throws, in the sandbox's realm, why it is refused. */
  readonly refuse: (api: string) => never;
}

const gibibyte = 1024 ** 3;
const cpuCount = 2;
/** A fixed description of the simulated machine: the same on every host, so a seed's trace is too. */
export const simulatedMachineFacts = {
  hostname: 'rtc-sim-machine',
  release: '6.0.0-rtc-sim',
  version: '#1 SMP rtc-sim',
  totalmem: 4 * gibibyte,
  freemem: 2 * gibibyte,
  homedir: '/home/rtc-sim',
  tmpdir: '/tmp',
  user: { uid: 1000, gid: 1000, username: 'rtc-sim', shell: '/bin/sh' },
} as const;

/**
 * node:os of a simulated machine: the machine's facts rather than the host's — a package that reads the
 * host name, the CPUs, the memory, the load, the user or the network interfaces (to make an id, size a pool,
 * log a banner) sees the same machine on every host, so one seed gives one trace wherever it runs. What
 * describes the Node build (`platform`, `arch`, `type`, `machine`, `endianness`, `EOL`, `constants`,
 * `devNull`) is the real module's, as `process.platform` is; `setPriority`/`getPriority` change or read the
 * host's scheduling and are refused.
 */
export function simulatedOs(parts: OsParts): Record<string, unknown> {
  const { real } = parts;
  const facts = simulatedMachineFacts;
  const cpu = { model: 'rtc-sim virtual CPU', speed: 2000, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
  const loopback = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' };
  return {
    EOL: real.EOL,
    constants: real.constants,
    devNull: real.devNull,
    platform: () => real.platform(),
    arch: () => real.arch(),
    type: () => real.type(),
    machine: () => real.machine(),
    endianness: () => real.endianness(),
    release: () => facts.release,
    version: () => facts.version,
    hostname: () => facts.hostname,
    homedir: () => facts.homedir,
    tmpdir: () => facts.tmpdir,
    totalmem: () => facts.totalmem,
    freemem: () => facts.freemem,
    availableParallelism: () => cpuCount,
    cpus: () => Array.from({ length: cpuCount }, () => ({ ...cpu, times: { ...cpu.times } })),
    loadavg: () => [0, 0, 0],
    uptime: () => Math.floor(parts.uptimeSeconds()),
    networkInterfaces: () => ({ lo: [{ ...loopback }] }),
    userInfo: (options?: { encoding?: string }) => {
      const info = { ...facts.user, homedir: facts.homedir };
      if (options?.encoding !== 'buffer') return info;
      return { ...info, username: Buffer.from(info.username), homedir: Buffer.from(info.homedir), shell: Buffer.from(info.shell) };
    },
    getPriority: function getPriority(): never {
      return parts.refuse('os.getPriority()');
    },
    setPriority: function setPriority(): never {
      return parts.refuse('os.setPriority()');
    },
  };
}
