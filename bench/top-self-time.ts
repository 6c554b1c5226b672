// Prints the functions with the most self time in a V8 .cpuprofile: `tsx bench/top-self-time.ts FILE [COUNT]`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/** The top self-time functions of a profile, as [name at place, milliseconds, share]. */
export function topSelfTime(path: string, count: number): [string, number, number][] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicroseconds = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame;
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    const place = frame === undefined ? '?' : `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/main\//, '')}:${frame.lineNumber + 1}`;
    selfMicroseconds.set(place, (selfMicroseconds.get(place) ?? 0) + delta);
  });
  return [...selfMicroseconds.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([place, microseconds]) => [place, microseconds / 1000, microseconds / total]);
}

if (process.argv[1]?.endsWith('top-self-time.ts')) {
  const [path, count] = process.argv.slice(2);
  if (path === undefined) throw new Error('usage: tsx bench/top-self-time.ts FILE.cpuprofile [COUNT]');
  for (const [place, milliseconds, share] of topSelfTime(path, Number(count ?? 10))) {
    console.log(`${milliseconds.toFixed(0).padStart(7)} ms ${(share * 100).toFixed(1).padStart(5)}%  ${place}`);
  }
}
