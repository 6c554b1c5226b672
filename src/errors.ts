/**
 * Errors a user can act on, as data. Every kind maps to an exit code and a message in the CLI; exceptions
 * are kept for programmer errors inside rtc-sim itself.
 */
export type InputError =
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'module-not-found'; readonly path: string; readonly message: string }
  | { readonly kind: 'module-invalid'; readonly path: string; readonly message: string }
  | { readonly kind: 'scenario-not-found'; readonly name: string; readonly message: string }
  | { readonly kind: 'file-invalid'; readonly path: string; readonly message: string }
  /** Every browser would stop at once: the world's page origin is not a secure context. */
  | { readonly kind: 'insecure-origin'; readonly origin: string; readonly message: string };

/** A value or the input error that prevented it. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: InputError };

/** Wraps a value as a successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an input error as a failed result. */
export function fail<T>(error: InputError): Result<T> {
  return { ok: false, error };
}

/** Describes any thrown value in one line, without trusting it (getters and toString may throw). */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value)) {
      const name = String((value as { name?: unknown }).name ?? 'Error');
      return `${name}: ${String((value as { message?: unknown }).message)}`;
    }
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
    if (typeof value === 'object' && value !== null) return truncate(JSON.stringify(value) ?? String(value), 200);
    return String(value);
  } catch {
    return '(a value that could not be described)';
  }
}

/** Shortens a string for display, noting how long it was. */
export function truncate(text: string, lengthMax: number): string {
  return text.length <= lengthMax ? text : `${text.slice(0, lengthMax)}… (${text.length} chars)`;
}
