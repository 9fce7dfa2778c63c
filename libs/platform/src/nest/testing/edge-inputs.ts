import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { nestedTypeOf } from '../validation/nested-type';

/** One request body of a sweep: `body` is the valid body with `value` put at `field`. */
export interface EdgeInput {
  readonly field: string;
  readonly value: unknown;
  readonly body: object;
}

/** Values any field may be sent, whatever its type: the ones hostile and careless clients send. */
const ANY_FIELD: readonly unknown[] = [null, '', ' ', 0, -1, 1.5, 1e308, true, [], {}, [null], [''], [{}]];

/** Variations of a valid string: either case, padding, control and format characters, a lone surrogate, a very long one. */
const stringVariants = (value: string): unknown[] => [
  value.toUpperCase(),
  value.toLowerCase(),
  ` ${value} `,
  `${value}\u0000`,
  `${value}\nx`,
  `\ud800${value}`,
  `${value}${'\ufe0f'.repeat(300)}`,
  value.repeat(40),
];

function variantsOf(value: unknown): unknown[] {
  if (typeof value === 'string') return stringVariants(value);
  if (Array.isArray(value) && value.length > 0) return [[...value, ...value], value.map(() => null)];
  return [];
}

/** The DTO's own property names (validated ones, inherited included) and the class of each nested one. */
function propertiesOf(type: Type<object>): { name: string; nested?: Type<object> }[] {
  const names = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(type, '', true, false)
      .map((m) => m.propertyName),
  );
  return [...names].map((name) => {
    const nested = nestedTypeOf(type, name);
    return { name, nested };
  });
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * Every field path of a request DTO that `validBody` carries, with the paths it lacks: a sweep over a body that does
 * not hold every field would silently test less than the route takes, so a test asserts `missing` is empty.
 */
export function fieldPathsOf(type: Type<object>, validBody: object): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  const visit = (dto: Type<object>, body: Record<string, unknown>, prefix: string) => {
    for (const { name, nested } of propertiesOf(dto)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (!Object.hasOwn(body, name)) {
        missing.push(path);
        continue;
      }
      paths.push(path);
      const value = body[name];
      if (!nested) continue;
      if (Array.isArray(value) && value.length > 0) visit(nested, value[0] as Record<string, unknown>, `${path}[0]`);
      else if (value !== null && typeof value === 'object' && !Array.isArray(value))
        visit(nested, value as Record<string, unknown>, path);
      else missing.push(`${path}[0]`);
    }
  };
  visit(type, validBody as Record<string, unknown>, '');
  return { paths, missing };
}

function setAt(body: object, path: string, value: unknown): object {
  const copy = clone(body) as Record<string, unknown>;
  const segments = path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== '');
  let target: Record<string, unknown> = copy;
  for (const segment of segments.slice(0, -1)) target = target[segment] as Record<string, unknown>;
  target[segments[segments.length - 1]] = value;
  return copy;
}

const getAt = (body: object, path: string): unknown =>
  path
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .reduce<unknown>((value, segment) => (value as Record<string, unknown>)?.[segment], body);

/**
 * Request bodies for a sweep of a write route: for each field of `validBody` (every field of the DTO, see
 * `fieldPathsOf`), the body with that field set to null, to values of every other type, and to hostile variations of
 * its valid value. A route must answer each with 400 or success, never 500: what validation lets through, the domain
 * and the event contracts must take.
 */
export function edgeInputs(
  type: Type<object>,
  validBody: object,
  /** Values worth trying in particular fields, beyond the generic ones: `{ timezone: ['+01:00'] }`. */
  extra: Readonly<Record<string, readonly unknown[]>> = {},
): EdgeInput[] {
  return fieldPathsOf(type, validBody).paths.flatMap((field) =>
    [...ANY_FIELD, ...variantsOf(getAt(validBody, field)), ...(extra[field] ?? [])].map((value) => ({
      field,
      value,
      body: setAt(validBody, field, value),
    })),
  );
}
