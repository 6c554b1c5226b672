/**
 * Ways out of the simulation, by family: each is a statement that tries one (its imports separate), and the
 * API the finding must name. Every entry is tried from a provider and from a backend (test/hostile/*.test.ts);
 * `PORT` is replaced by the port of a real listener that must see no connection.
 */
export interface HostileAttempt {
  readonly family: 'process control' | 'sockets and servers' | 'child processes' | 'workers' | 'module loading' | 'other realms';
  readonly name: string;
  readonly imports: string;
  readonly attempt: string;
  /** The API the finding names; absent: the way does not exist inside the sandbox (the attempt still throws), nothing to name. */
  readonly api?: RegExp;
  /** What a browser's finding names instead: its network modules are stand-ins reported when required. */
  readonly browserApi?: RegExp;
  /** Tried from a provider only. */
  readonly browserOnly?: boolean;
}

export const hostileAttempts: readonly HostileAttempt[] = [
  { family: 'process control', name: "default import of 'node:process', exit(0)", imports: "import proc from 'node:process';", attempt: 'proc.exit(0);', api: /^process\.exit\(\)$/ },
  { family: 'process control', name: "require('process').exit(0)", imports: "import { createRequire } from 'node:module';", attempt: "createRequire(import.meta.url)('process').exit(0);", api: /^process\.exit\(\)$/ },
  { family: 'process control', name: "named import { abort } from 'process'", imports: "import { abort } from 'process';", attempt: 'abort();', api: /^process\.abort\(\)$/ },
  { family: 'process control', name: 'process.kill of the host', imports: "import proc from 'node:process';", attempt: "proc.kill(proc.pid, 'SIGTERM');", api: /^process\.kill\(\)$/ },
  { family: 'process control', name: 'process.reallyExit', imports: "import proc from 'node:process';", attempt: 'proc.reallyExit(0);', api: /^process\.reallyExit\(\)$/ },
  { family: 'process control', name: 'process.dlopen', imports: "import proc from 'node:process';", attempt: "proc.dlopen({ exports: {} }, '/nonexistent.node');", api: /^process\.dlopen\(\)$/ },
  { family: 'process control', name: "process.binding('fs')", imports: "import proc from 'node:process';", attempt: "proc.binding('fs');" },
  { family: 'sockets and servers', name: 'new net.Socket().connect(PORT)', imports: "import net from 'node:net';", attempt: "new net.Socket().connect(PORT, '127.0.0.1');", api: /^net\.Socket\.connect\(\) to 127\.0\.0\.1:\d+$/, browserApi: /^require\("node:net"\)$/ },
  { family: 'sockets and servers', name: 'net.connect({ port })', imports: "import { connect } from 'net';", attempt: "connect({ port: PORT, host: '127.0.0.1' });", api: /^net\.Socket\.connect\(\) to 127\.0\.0\.1:\d+$/, browserApi: /^require\("net"\)$/ },
  { family: 'sockets and servers', name: 'new http.Agent().createConnection()', imports: "import http from 'node:http';", attempt: "new http.Agent().createConnection({ port: PORT, host: '127.0.0.1' });", api: /^new http\.Agent\(\)$/, browserApi: /^require\("node:http"\)$/ },
  { family: 'sockets and servers', name: 'http.request', imports: "import { request } from 'node:http';", attempt: "request({ port: PORT, host: '127.0.0.1' }).end();", api: /^http\.request\(\)$/, browserApi: /^require\("node:http"\)$/ },
  { family: 'sockets and servers', name: 'https.get', imports: "import https from 'https';", attempt: "https.get('https://127.0.0.1:PORT/');", api: /^https\.get\(\)$/, browserApi: /^require\("https"\)$/ },
  { family: 'sockets and servers', name: 'http2.connect', imports: "import http2 from 'node:http2';", attempt: "http2.connect('http://127.0.0.1:PORT');", api: /^http2\.connect\(\)$/, browserApi: /^require\("node:http2"\)$/ },
  { family: 'sockets and servers', name: 'tls.connect', imports: "import tls from 'node:tls';", attempt: "tls.connect(PORT, '127.0.0.1');", api: /^tls\.connect\(\)$/, browserApi: /^require\("node:tls"\)$/ },
  { family: 'sockets and servers', name: 'new tls.TLSSocket()', imports: "import tls from 'node:tls';", attempt: 'new tls.TLSSocket();', api: /^new tls\.TLSSocket\(\)$/, browserApi: /^require\("node:tls"\)$/ },
  { family: 'sockets and servers', name: 'dgram.createSocket', imports: "import dgram from 'node:dgram';", attempt: "dgram.createSocket('udp4').send('x', PORT, '127.0.0.1');", api: /^dgram\.createSocket\(\)$/, browserApi: /^require\("node:dgram"\)$/ },
  { family: 'sockets and servers', name: 'dns.lookup', imports: "import dns from 'node:dns';", attempt: "dns.lookup('example.com', () => {});", api: /^dns\.lookup\(\)$/, browserApi: /^require\("node:dns"\)$/ },
  { family: 'sockets and servers', name: 'net.createServer().listen', imports: "import net from 'node:net';", attempt: "net.createServer().listen(0, '127.0.0.1');", api: /^net\.createServer\(\)$/, browserApi: /^require\("node:net"\)$/ },
  { family: 'sockets and servers', name: 'new http.Server()', imports: "import http from 'node:http';", attempt: 'new http.Server().listen(0);', api: /^new http\.Server\(\)$/, browserApi: /^require\("node:http"\)$/ },
  { family: 'sockets and servers', name: "require('_http_agent')", imports: "import { createRequire } from 'node:module';", attempt: "new (createRequire(import.meta.url)('_http_agent').Agent)().createConnection({ port: PORT, host: '127.0.0.1' });", api: /^new _http_agent\.Agent\(\)$/, browserApi: /^require\("_http_agent"\)$/ },
  { family: 'sockets and servers', name: 'import of node:net in a browser', imports: "import net from 'node:net';", attempt: "new net.Socket().connect(PORT, '127.0.0.1');", api: /^require\("node:net"\)$/, browserOnly: true },
  { family: 'child processes', name: 'child_process.spawn', imports: "import { spawn } from 'node:child_process';", attempt: "spawn('node', ['-e', '0']);", api: /^child_process\.spawn\(\)$/ },
  { family: 'child processes', name: 'new ChildProcess().spawn', imports: "import { ChildProcess } from 'child_process';", attempt: "new ChildProcess().spawn({ file: 'true', args: ['true'] });", api: /^new child_process\.ChildProcess\(\)$/ },
  { family: 'workers', name: 'new Worker', imports: "import { Worker } from 'node:worker_threads';", attempt: "new Worker('0', { eval: true });", api: /^new worker_threads\.Worker\(\)$/ },
  { family: 'module loading', name: "require('module')._load", imports: "import Module from 'node:module';", attempt: "Module._load('child_process').spawn('true');", api: /^module\._load\(\)$/ },
  { family: 'module loading', name: 'require.main / require.cache', imports: "import { createRequire } from 'node:module';", attempt: "const required = createRequire(import.meta.url); const host = required.main ?? Object.values(required.cache)[0]; if (host === undefined) throw new Error('unreachable'); host.require('child_process').spawn('true');" },
  { family: 'other realms', name: 'vm.runInThisContext', imports: "import vm from 'node:vm';", attempt: "vm.runInThisContext('process.exit(0)');", api: /^vm\.runInThisContext\(\)$/ },
  { family: 'other realms', name: 'v8.setFlagsFromString', imports: "import v8 from 'node:v8';", attempt: "v8.setFlagsFromString('--allow-natives-syntax');", api: /^v8\.setFlagsFromString\(\)$/ },
];

/**
 * A provider module that tries `attempt` on every call and catches what it throws: the refusal must still be a
 * finding. An attempt that does not throw got through, and the client's console says so.
 */
export function hostileProvider({ imports, attempt }: HostileAttempt, port: number): string {
  return `${imports}\nexport default async ({ keyHint }) => {\n  try { ${attempt.replaceAll('PORT', String(port))}; console.log('escaped'); } catch {}\n  return { key: 'k', keyHint: keyHint ?? 'h' };\n};\n`;
}

/** A backend module that tries `attempt` on every request and catches what it throws; an attempt that got through is a 418. */
export function hostileBackend({ imports, attempt }: HostileAttempt, port: number): string {
  return `${imports}\nexport function createBackend() {\n  return () => {\n    try { ${attempt.replaceAll('PORT', String(port))} } catch { return Response.json({ key: 'k', keyHint: 'v1' }); }\n    return new Response('escaped', { status: 418 });\n  };\n}\n`;
}
