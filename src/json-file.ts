import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeThrown, fail, ok, type Result } from './errors.ts';
import { describeSchemaIssues } from './options-schema.ts';

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
    return fail({ kind: 'file-invalid', path, message: `${path} is not a valid ${what}: ${describeSchemaIssues(schema, parsed.error.issues)}` });
  }
  return ok(parsed.data);
}
