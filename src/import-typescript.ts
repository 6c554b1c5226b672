/**
 * Imports a TypeScript module (a scenario): natively when the process already runs TypeScript (tsx, vitest),
 * else through tsx's one-off loader, as the bundled CLI must.
 */
export async function importTypeScript(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(url, import.meta.url);
  }
}
