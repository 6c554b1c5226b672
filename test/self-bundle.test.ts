import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleEntry, packageRoot } from '../bin/self-bundle.mjs';

describe('the bundle cache', () => {
  it('removes bundles and half-written files of the same entry once they are an hour old, and nothing else', async () => {
    const entry = 'src/explore/sweep-worker-entry.ts';
    const directory = join(packageRoot, 'node_modules', '.cache', 'rtc-sim');
    mkdirSync(directory, { recursive: true });
    const name = 'src-explore-sweep-worker-entry';
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const stale = [`${name}-00000000000000aa.mjs`, `${name}-00000000000000bb.mjs.4242.partial`];
    const kept = [`${name}-00000000000000cc.mjs.4243.partial`, `other-entry-00000000000000dd.mjs`, `${name}-notes.txt`];
    for (const file of [...stale, ...kept]) writeFileSync(join(directory, file), '// test');
    for (const file of [...stale, kept[1] as string, kept[2] as string]) utimesSync(join(directory, file), twoHoursAgo, twoHoursAgo);
    const bundle = await bundleEntry(entry);
    expect(bundle !== undefined && existsSync(bundle)).toBe(true);
    expect(stale.filter((file) => existsSync(join(directory, file)))).toEqual([]);
    // A fresh partial may be another process's write in progress; other entries and other files are not ours.
    expect(kept.filter((file) => existsSync(join(directory, file)))).toEqual(kept);
    for (const file of kept) rmSync(join(directory, file), { force: true });
  });
});
