import type { ValidationError } from 'class-validator';
import type { FieldError } from '../../problems/problem';
import { appendPath, looksLikeIndex } from '../../validation/field-path';
import { NOT_NULL } from './optional';

/**
 * Flattens class-validator's error tree into one entry per bad field, with its full path as a client
 * writes it: `emails[0].address`.
 */
export function fieldErrorsFrom(errors: readonly ValidationError[]): FieldError[] {
  const out: FieldError[] = [];
  const visit = (error: ValidationError, parentPath: string, indexed: boolean | undefined) => {
    const property = error.property ?? '';
    const path = property === '' ? parentPath : appendPath(parentPath, property, indexed ?? looksLikeIndex(property));
    const constraints = error.constraints ?? {};
    // A null breaks every rule of its field; that it is null is all there is to say.
    const messages = constraints[NOT_NULL] !== undefined ? [constraints[NOT_NULL]] : Object.values(constraints);
    if (messages.length > 0) out.push({ field: path, messages });
    if (constraints[NOT_NULL] !== undefined) return;
    const childrenIndexed = keysAreIndices(error.value);
    for (const child of error.children ?? []) visit(child, path, childrenIndexed);
  };
  for (const error of errors) visit(error, '', false);
  return out;
}

/** Children of an array are indices, of an object are names; unknown when the value was not kept. */
function keysAreIndices(value: unknown): boolean | undefined {
  if (Array.isArray(value) || value instanceof Set) return true;
  if (value !== null && typeof value === 'object') return false;
  return undefined;
}
