import type { FieldError } from '../problems/problem';
import { appendPath } from './field-path';

/** Deeper input than this is refused outright: no DTO nests so deep, and walking it costs. */
export const MAX_INPUT_DEPTH = 32;

const OPERATOR_MESSAGE = 'keys starting with "$" (database operators) are not allowed';
const DOT_MESSAGE = 'keys containing "." are not allowed';
const PROTO_MESSAGE = '"__proto__" is not allowed';
const DEPTH_MESSAGE = `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;

/** Why a key is refused, or undefined. Flat query keys such as `filter[$where]` are checked per bracket segment. */
function unsafeKeyReason(key: string): string | undefined {
  const segments = key.split(/[[\]]+/).filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('$'))) return OPERATOR_MESSAGE;
  if (segments.some((s) => s.includes('.'))) return DOT_MESSAGE;
  if (segments.includes('__proto__')) return PROTO_MESSAGE;
  return undefined;
}

/**
 * Every key in `input`, at any depth, that could smuggle a MongoDB operator (`{"$ne": null}`), a
 * dotted path, or a prototype into a query or update. Pure; iterative so hostile nesting cannot
 * overflow the stack.
 */
export function findUnsafeKeys(input: unknown, location?: 'body' | 'query'): FieldError[] {
  const found: FieldError[] = [];
  const report = (field: string, message: string) =>
    found.push({ field, messages: [message], ...(location && { in: location }) });
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_INPUT_DEPTH) {
      report(path, DEPTH_MESSAGE);
      continue;
    }
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const childPath = appendPath(path, isArray ? Number(key) : key);
      const reason = isArray ? undefined : unsafeKeyReason(key);
      if (reason) report(childPath, reason);
      else stack.push({ value: (value as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
  return found.sort((a, b) => a.field.localeCompare(b.field));
}
