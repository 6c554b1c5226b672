import { describe, expect, it } from 'vitest';
import { checkProvider } from 'rtc-sim/vitest';
import { createProvider } from '../examples/providers/good-store-backed-dynamic.ts';

const stack = 'examples/stacks/pglite-raw-sql';

describe('checkProvider with a backend: the provider as a module path, the backend beside it', () => {
  it('a correct stack passes', async () => {
    await expect(checkProvider(`${stack}/provider.ts`, { backend: `${stack}/good-backend.ts`, runs: 30 })).resolves.toPass();
  }, 120_000);

  it('a buggy stack fails, its message naming the property and the SQL that interleaved', async () => {
    const result = await checkProvider(`${stack}/provider.ts`, { backend: `${stack}/buggy-upsert-replaces-key.ts`, runs: 60, pins: { documents: 1 }, shrink: false, failuresDir: 'rtc-sim-failures' });
    expect(result.verdict).toBe('fail');
    expect(result.failure?.property).toBe('hint-stability');
    expect(result.failure?.timeline).toMatch(/database +c\d\.1: INSERT INTO document_keys .*ON CONFLICT \(document_id\) DO UPDATE/);
    expect(result.assumptions).toContain('backend instances behind a load balancer (round robin, random or sticky) on a real PostgreSQL server (1–10 sessions at READ COMMITTED');
  }, 120_000);

  it('an in-process factory cannot reach a simulated backend: the option is refused, saying what to do', async () => {
    await expect(checkProvider(createProvider, { backend: `${stack}/good-backend.ts`, runs: 5 })).rejects.toThrow(/backend: a provider that fetches from your backend runs in the simulated page; pass it as a module path/);
  });
});
