import { describe, expect, it } from 'vitest';
import { loadProviderSource } from '../src/load-provider-source.ts';
import { drawWorld } from '../src/explore/sweep.ts';
import { simulate } from '../src/simulate.ts';

// Bytes from the host's TextEncoder and Buffer are Uint8Arrays to the code under test, as in a browser or Node:
// the provider refuses to answer otherwise, and the backend signs a token with jose and a byte secret, which
// jose refuses ("Received an instance of Uint8Array") when the bytes are another realm's.
const fixture = (name: string): string => new URL(`./backend/fixtures/binary-data/${name}`, import.meta.url).pathname;
const provider = fixture('provider.ts');
const backend = fixture('backend.ts');

describe("the host's bytes are Uint8Arrays inside the simulation", () => {
  it('a page and a backend (jose HS256 with a byte secret) pass a run that checks instanceof Uint8Array', async () => {
    const loaded = await loadProviderSource(provider, undefined, backend);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const source = loaded.value;
    const result = await simulate({ config: drawWorld(2, { faultMode: 'never' }, source), source, record: true });
    const failures = (result.trace ?? []).filter((record) => record.kind === 'provider-failure');
    expect(failures).toEqual([]);
    expect(result.outcome).toEqual({ kind: 'pass' });
  }, 120_000);
});
