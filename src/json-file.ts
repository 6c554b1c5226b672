import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeThrown, fail, ok, type Result } from './errors.ts';

/**
 * Reads a JSON file and checks it against a schema. Every problem is an input error that names the file,
 * what it should have been (`what`), and the fields at fault.
 */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string): Result<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail({ kind: 'file-invalid', path, message: `cannot read the ${what} ${path}: ${describeThrown(error)}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail({ kind: 'file-invalid', path, message: `${path} is not valid JSON, so not a valid ${what}: ${describeThrown(error)}` });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    return fail({ kind: 'file-invalid', path, message: `${path} is not a valid ${what}: ${issues.join('; ')}` });
  }
  return ok(parsed.data);
}
