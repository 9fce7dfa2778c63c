import type { FieldError } from '../problems/problem';
import { appendPath } from './field-path';

/** Deeper input than this is refused outright: no DTO nests so deep, and walking it costs. */
export const MAX_INPUT_DEPTH = 32;

const OPERATOR_MESSAGE = 'keys starting with "$" (database operators) are not allowed';
const DOT_MESSAGE = 'keys containing "." are not allowed';
const PROTO_MESSAGE = '"__proto__" is not allowed';
const DEPTH_MESSAGE = `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
const TEXT_MESSAGE = 'must be Unicode text without NUL characters (\\u0000) or unpaired surrogates';

/** What is wrong with a piece of input, by kind: each kind has its own summary in a problem's detail. */
export interface UnsafeInput {
  /** Keys that could smuggle an operator, a path or a prototype into a database query or update. */
  readonly keys: FieldError[];
  /** Input nested deeper than MAX_INPUT_DEPTH. */
  readonly depth: FieldError[];
  /** Text no database stores as text: NUL characters, unpaired UTF-16 surrogates (JSON's `"\ud800"`). */
  readonly text: FieldError[];
}

/** Why a key is refused, or undefined. Flat query keys such as `filter[$where]` are checked per bracket segment. */
function unsafeKeyReason(key: string): string | undefined {
  // Most keys hold none of these: they are passed without splitting them.
  if (!MAY_BE_UNSAFE.test(key) && key !== '__proto__') return undefined;
  const segments = key.split(/[[\]]+/).filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('$'))) return OPERATOR_MESSAGE;
  if (segments.some((s) => s.includes('.'))) return DOT_MESSAGE;
  if (segments.includes('__proto__')) return PROTO_MESSAGE;
  return undefined;
}
const MAY_BE_UNSAFE = /[$.[\]]/;

// PostgreSQL refuses both in text and jsonb, so they would fail only once a write reached the store (a 500).
const NOT_STORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storable = (text: string) => !NOT_STORABLE.test(text);

const byField = (a: FieldError, b: FieldError) => a.field.localeCompare(b.field);

/** A value met in the walk; its path is spelled out only when something in it is reported. */
interface Visit {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Visit;
  readonly key?: string | number;
  /** A query's own keys are parameter names, quoted as sent (`email[__proto__]`, `a.b`), not as JSON paths. */
  readonly parameter?: boolean;
}

const pathOf = (visit: Visit | undefined): string =>
  visit?.key === undefined ? '' : visit.parameter ? String(visit.key) : appendPath(pathOf(visit.parent), visit.key);

/**
 * Walks `input` once, at any depth: keys that look like operators, dotted paths or a prototype; nesting past the
 * limit; text that cannot be stored. Pure; iterative so hostile nesting cannot overflow the stack.
 */
export function inspectInput(input: unknown, location?: 'body' | 'query'): UnsafeInput {
  const found: UnsafeInput = { keys: [], depth: [], text: [] };
  const report = (kind: keyof UnsafeInput, field: string, message: string) =>
    found[kind].push({ field, messages: [message], ...(location && { in: location }) });
  const stack: Visit[] = [{ value: input, depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      if (!storable(value)) report('text', pathOf(visit), TEXT_MESSAGE);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_INPUT_DEPTH) {
      report('depth', pathOf(visit), DEPTH_MESSAGE);
      continue;
    }
    const isArray = Array.isArray(value);
    const parameter = location === 'query' && depth === 0;
    for (const key of Object.keys(value)) {
      const child: Visit = {
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        parent: visit,
        key: isArray ? Number(key) : key,
        parameter,
      };
      const reason = isArray ? undefined : unsafeKeyReason(key);
      if (reason) report('keys', pathOf(child), reason);
      else if (!isArray && !storable(key)) report('text', pathOf(child), `keys ${TEXT_MESSAGE}`);
      else stack.push(child);
    }
  }
  const none = found.keys.length + found.depth.length + found.text.length === 0;
  return none ? found : { keys: found.keys.sort(byField), depth: found.depth.sort(byField), text: found.text.sort(byField) };
}

/** Every key in `input` that could smuggle a MongoDB operator (`{"$ne": null}`), a dotted path or a prototype, and nesting past the limit. */
export function findUnsafeKeys(input: unknown, location?: 'body' | 'query'): FieldError[] {
  const { keys, depth } = inspectInput(input, location);
  return [...keys, ...depth].sort(byField);
}

/** The detail of a problem about unsafe input: what the errors have in common, in a sentence. */
export function unsafeInputDetail(found: UnsafeInput): string {
  const kinds = (Object.keys(found) as (keyof UnsafeInput)[]).filter((kind) => found[kind].length > 0);
  if (kinds.length !== 1) {
    const count = kinds.reduce((sum, kind) => sum + found[kind].length, 0);
    return `${count} parts of the input are not allowed; see errors.`;
  }
  switch (kinds[0]) {
    case 'keys':
      return 'Keys that look like database operators or paths are not allowed.';
    case 'depth':
      return `The input is nested deeper than ${MAX_INPUT_DEPTH} levels.`;
    case 'text':
      return 'Text must be Unicode without NUL characters or unpaired surrogates.';
  }
}
