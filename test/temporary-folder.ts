import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh folder in the system's temporary directory, removed when the test that made it ends (or, made
 * outside a test, when its suite ends): a test run leaves nothing behind in the temporary directory.
 */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(folder, { recursive: true, force: true });
  // Inside a test, removed when it ends; at a file's top (where vitest refuses onTestFinished), when the file's
  // suite ends. Asking vitest, not expect's state: with isolate off, that state still names the last file's test.
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return folder;
}
