import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * The flow of src/, in order: a file may import files of its own layer or of an earlier one, never of a later
 * one. A path is matched by its longest listed prefix (a folder ends in `/`).
 */
const layers: readonly { readonly name: string; readonly why: string; readonly paths: readonly string[] }[] = [
  {
    name: 'seed',
    why: 'what a seed turns into: named random streams, virtual time and the event queue the world schedules into; plus leaf helpers with no imports of their own',
    paths: ['kernel/assert-never.ts', 'kernel/random.ts', 'kernel/heap.ts', 'kernel/event.ts', 'kernel/event-queue.ts', 'kernel/host-work.ts', 'errors.ts', 'package-root.ts', 'import-typescript.ts', 'supervisor-signal.ts', 'kernel/format.ts'],
  },
  {
    name: 'config',
    why: 'the resolved world of one run, drawn from the seed, and the registry of components it is drawn and checked by: each component declares its fault verbs (shape, words, swarm draw, effect through the FaultTarget interface), shrink steps and lifelines as data',
    paths: ['config/', 'config/registry.ts', 'config/components.ts', 'config/backend-component.ts', 'config/moments.ts', 'options-schema.ts', 'json-file.ts'],
  },
  {
    name: 'world',
    why: 'the components at run time (browsers, their page (timers, storage, tabs) and their provider sandbox, the RTC server, the key store, the addressed network, the embedded SQL database, the integrator\'s backend module) wired by the World; the records they emit are their vocabulary',
    paths: ['world/', 'model/', 'providers/', 'database/', 'backend/', 'load-provider-source.ts'],
  },
  {
    name: 'scheduler',
    why: "the kernel's one decision point and the strategies behind it",
    paths: ['kernel/strategy.ts', 'kernel/run-loop.ts', 'explore/strategies.ts', 'explore/random-strategy.ts', 'explore/pct-strategy.ts', 'explore/timed-strategy.ts', 'explore/replay-strategy.ts', 'explore/default-choices.ts'],
  },
  { name: 'events', why: 'a trace record in words, as every later layer shows it', paths: ['report/describe-record.ts'] },
  { name: 'checkers', why: 'properties observing the records', paths: ['check/'] },
  { name: 'run', why: 'one run: world, scheduler and checkers wired together', paths: ['simulate.ts', 'scenario.ts'] },
  { name: 'exploration', why: 'many runs: sweeps, shrinking, exhaustive search, decision files', paths: ['explore/'] },
  { name: 'reports', why: 'text, JSON, Mermaid and HTML made from runs', paths: ['report/'] },
  {
    name: 'edges',
    why: 'entry points: the CLI, the public API, the vitest helper, and the pool worker (a process entry point running in a thread)',
    paths: ['cli/', 'cli.ts', 'index.ts', 'vitest.ts', 'explore/sweep-worker-entry.ts'],
  },
];

/** Import circles known and left alone, each with its reason. */
const knownCircles: readonly { readonly files: readonly string[]; readonly why: string }[] = [
  {
    files: ['database/database.ts', 'database/handles.ts'],
    why: 'type-only: the handles a backend gets (handles.ts) are the user-facing side of SimulatedDatabase and name its types; database.ts makes them',
  },
];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.m?ts$/.test(entry.name) ? [relative(sourceRoot, path)] : [];
  });
}

/** Every file of src/ and the files of src/ it imports (statically, re-exports and literal dynamic imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(sourceRoot).sort()) {
    const text = readFileSync(join(sourceRoot, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((match) => match[1] ?? match[2] ?? '');
    const targets = specifiers.map((specifier) => relative(sourceRoot, resolve(dirname(join(sourceRoot, file)), specifier))).filter((target) => !target.startsWith('..'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  for (const [index, layer] of layers.entries()) {
    for (const path of layer.paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && path.length > bestLength) [best, bestLength] = [index, path.length];
    }
  }
  return best;
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
function circles(graph: Map<string, string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!order.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file) ?? 0, order.get(target) ?? 0));
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = member === file ? undefined : stack.pop()) {
      onStack.delete(member);
      component.push(member);
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return found;
}

describe("src/'s import graph follows seed → config → world → scheduler → events → checkers → reports", () => {
  const graph = importGraph();

  it('reads the whole of src/ and every import in it', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('simulate.ts')).toContain('world/world.ts');
  });

  it('places every file of src/ in a layer', () => {
    expect([...graph.keys()].filter((file) => layerOf(file) < 0)).toEqual([]);
  });

  it('has no import running back up the flow', () => {
    const upstream: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        if (layerOf(target) > layerOf(file)) upstream.push(`${file} (${layers[layerOf(file)]?.name}) imports ${target} (${layers[layerOf(target)]?.name})`);
      }
    }
    expect(upstream).toEqual([]);
  });

  it('has no import circle but the known ones', () => {
    expect(circles(graph)).toEqual(knownCircles.map((circle) => [...circle.files].sort()));
  });

  it('finds a circle and an upstream import when there is one', () => {
    const planted = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(planted)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(layerOf('config/run-config.ts')).toBeLessThan(layerOf('world/world.ts'));
    expect(layerOf('kernel/format.ts')).toBeLessThan(layerOf('report/timeline.ts'));
  });
});
