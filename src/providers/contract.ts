import { describeThrown } from '../errors.ts';

/** The longest key hint the RTC service stores, in Unicode code points. */
export const keyHintLengthMax = 256;

/** A provider answer that honours the contract, with the hint as the plugin records it. */
export interface ValidAnswer {
  readonly ok: true;
  readonly key: string;
  /** The hint as recorded: the empty string when the answer had none. */
  readonly keyHint: string;
  readonly hintGiven: boolean;
}

/** The answer checked against the `rtc_encryption_provider` contract. */
export type AnswerCheck = ValidAnswer | { readonly ok: false; readonly problem: string };

/** Checks an answer's shape: `key` a well-formed string, `keyHint` absent or a string of ≤ 256 characters. */
export function checkAnswer(answer: unknown): AnswerCheck {
  if ((typeof answer !== 'object' && typeof answer !== 'function') || answer === null) {
    return { ok: false, problem: `the answer must be an object { key, keyHint? }, got ${describeThrown(answer)}` };
  }
  const key = readField(answer, 'key');
  if (!key.ok) return key;
  if (typeof key.value !== 'string') {
    return { ok: false, problem: `key must be a string, got ${typeOf(key.value)}` };
  }
  if (!key.value.isWellFormed()) return { ok: false, problem: 'key is not well-formed Unicode (it has a lone surrogate)' };
  const hint = readField(answer, 'keyHint');
  if (!hint.ok) return hint;
  if (hint.value === undefined) return { ok: true, key: key.value, keyHint: '', hintGiven: false };
  if (typeof hint.value !== 'string') {
    return { ok: false, problem: `keyHint must be a string or absent, got ${typeOf(hint.value)}` };
  }
  if (!hint.value.isWellFormed()) {
    return { ok: false, problem: 'keyHint is not well-formed Unicode (it has a lone surrogate)' };
  }
  const length = codePointLength(hint.value);
  if (length > keyHintLengthMax) {
    return { ok: false, problem: `keyHint has ${length} characters; at most ${keyHintLengthMax} are allowed` };
  }
  return { ok: true, key: key.value, keyHint: hint.value, hintGiven: true };
}

function readField(answer: object, name: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: (answer as Record<string, unknown>)[name] };
  } catch (error) {
    return { ok: false, problem: `reading ${name} from the answer threw ${describeThrown(error)}` };
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
