import type { Type } from '@nestjs/common';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { CountryCodes } from 'validator/lib/isISO31661Alpha2';
import { nestedTypeOf } from '../validation/nested-type';

/** What the validators of one input class accept, as OpenAPI: the facts the validation pipe enforces. */
export interface ValidatedClass {
  readonly properties: Record<string, ValidatedProperty>;
  readonly required: string[];
  /** Input classes validated inside this one (`@ValidateNested()` with `@Type()`), by their schema name. */
  readonly nested: ReadonlyMap<string, Type>;
}

/** The UUID patterns of validator.js (class-validator's `@IsUUID()`), spelt without the `i` flag JSON Schema lacks. */
const HEX = '[0-9a-fA-F]';
const uuidPattern = (version: string) =>
  `^${HEX}{8}-${HEX}{4}-${version}${HEX}{3}-[89abAB]${HEX}{3}-${HEX}{12}$`.replace('--', '-');
const UUID_PATTERNS: Record<string, string> = {
  all: uuidPattern('[1-8]'),
  '1': uuidPattern('1'),
  '3': uuidPattern('3'),
  '4': uuidPattern('4'),
  '5': uuidPattern('5'),
  '7': uuidPattern('7'),
};
/** Nest's ParseUUIDPipe takes any version. */
export const ANY_UUID_PATTERN = `^${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}$`;

/** A schema while it is put together: a reference until it is known not to be one. */
type Node = SchemaObject & { $ref?: string };

const isRegExp = (value: unknown): value is RegExp => value instanceof RegExp;

const customValidators = new Map<string, SchemaObject | ((constraints: readonly unknown[]) => SchemaObject)>();

/**
 * Teaches the document what a custom validator (`ValidateBy({ name })`, a decorator of your own) accepts, so that the
 * properties it checks are derived from validation like the rest: `documentValidator('isTimeZone', { enum: zones })`.
 */
export function documentValidator(
  name: string,
  schema: SchemaObject | ((constraints: readonly unknown[]) => SchemaObject),
): void {
  customValidators.set(name, schema);
}

/**
 * The schema of what one validator accepts (`maxLength` → `{ maxLength }`); undefined for a validator it cannot
 * tell (a custom one), whose property keeps what its `@ApiProperty()` says.
 */
function constraintOf({ name, constraints = [] }: ValidationMetadata): SchemaObject | undefined {
  const [first, second] = constraints as unknown[];
  switch (name) {
    case 'isString':
      return { type: 'string' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'isArray':
      return { type: 'array' };
    case 'isObject':
      return { type: 'object' };
    case 'maxLength':
      return { type: 'string', maxLength: first as number };
    case 'minLength':
      return { type: 'string', minLength: first as number };
    case 'matches': {
      const pattern = isRegExp(first) ? first : new RegExp(String(first), typeof second === 'string' ? second : '');
      // JSON Schema patterns have no flags: a case-insensitive one is left to the description.
      return pattern.flags.replace(/[gu]/g, '') === '' ? { type: 'string', pattern: pattern.source } : { type: 'string' };
    }
    case 'isIn':
      return { enum: [...(first as unknown[])] };
    case 'isUuid':
      return { type: 'string', format: 'uuid', pattern: UUID_PATTERNS[String(first ?? 'all')] ?? UUID_PATTERNS.all };
    case 'isIso8601':
      return { type: 'string', format: 'date-time' };
    case 'isEmail':
      return { type: 'string', format: 'email' };
    case 'isISO31661Alpha2':
      return { type: 'string', enum: [...CountryCodes].sort() };
    case 'min':
      return { minimum: first as number };
    case 'max':
      return { maximum: first as number };
    case 'arrayMaxSize':
      return { type: 'array', maxItems: first as number };
    case 'arrayMinSize':
      return { type: 'array', minItems: first as number };
    case 'arrayUnique':
      return { type: 'array', uniqueItems: true };
    default: {
      const custom = name === undefined ? undefined : customValidators.get(name);
      return typeof custom === 'function' ? custom(constraints) : custom;
    }
  }
}

/** What validation says of one property, and whether that is all of it (no validator it cannot tell). */
export interface ValidatedProperty {
  readonly schema: SchemaObject | ReferenceObject;
  readonly complete: boolean;
}

/**
 * What class-validator enforces on each property of `target` (with inherited ones), so that the document is derived
 * from the rules the validation pipe applies and cannot disagree with them. `@IsOptional()` lets `null` through as
 * well as a missing value, so such a body property is documented as nullable; in a query nothing can be null.
 */
export function validatedClass(target: Type, location: 'body' | 'query'): ValidatedClass {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const entry of metadata) byProperty.set(entry.propertyName, [...(byProperty.get(entry.propertyName) ?? []), entry]);

  const properties: Record<string, ValidatedProperty> = {};
  const required: string[] = [];
  const nested = new Map<string, Type>();
  for (const [property, rules] of byProperty) {
    const conditional = rules.filter((rule) => rule.type === 'conditionalValidation');
    const optional = conditional.length > 0 && !rules.some((rule) => rule.type === 'isDefined');
    if (!optional) required.push(property);
    const schema: Node = {};
    const items: Node = {};
    let complete = true;
    for (const rule of rules) {
      if (rule.type === 'nestedValidation') {
        const nestedType = nestedTypeOf(target, property);
        if (!nestedType) {
          complete = false;
          continue;
        }
        nested.set(nestedType.name, nestedType);
        Object.assign(rule.each ? items : schema, { $ref: `#/components/schemas/${nestedType.name}` });
        continue;
      }
      if (rule.type !== 'customValidation') continue;
      const constraint = constraintOf(rule);
      if (constraint) Object.assign(rule.each ? items : schema, constraint);
      else complete = false;
    }
    if (Object.keys(items).length > 0) Object.assign(schema, { type: 'array', items: items.$ref ? { $ref: items.$ref } : items });
    const nullable = location === 'body' && conditional.some((rule) => rule.name === 'isOptional');
    properties[property] = { schema: withNullable(schema, nullable), complete };
  }
  return { properties, required, nested };
}

function withNullable(schema: Node, nullable: boolean): SchemaObject | ReferenceObject {
  if (schema.$ref !== undefined) {
    const ref = { $ref: schema.$ref as string };
    // OpenAPI 3.0 reads `nullable` only beside a `type`; nested inputs are objects.
    return nullable ? { type: 'object', nullable: true, allOf: [ref] } : ref;
  }
  return nullable ? { ...schema, nullable: true } : schema;
}

/** What `@ApiProperty()` may say that no validator decides (and vendor extensions, `x-…`). */
const DOCUMENTATION_KEYWORDS = ['description', 'example', 'examples', 'default', 'title', 'deprecated'] as const;

const stringEnum = (schema: SchemaObject) =>
  schema.type === undefined && schema.enum?.every((value: unknown) => typeof value === 'string') ? { type: 'string' } : {};

/**
 * A property as documented (`@ApiProperty()`) with what validation enforces laid over it. Where validation tells
 * all, the documented constraints give way to it (only descriptions and examples stay); where it cannot tell (a
 * custom validator), the documented schema stands beneath what it can tell.
 */
export function mergedProperty(
  documented: SchemaObject | ReferenceObject | undefined,
  { schema: derived, complete }: ValidatedProperty,
): SchemaObject | ReferenceObject {
  const notes: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(documented ?? {})) {
    if ((DOCUMENTATION_KEYWORDS as readonly string[]).includes(keyword) || keyword.startsWith('x-')) notes[keyword] = value;
  }
  if ('$ref' in derived) return Object.keys(notes).length > 0 ? { ...notes, allOf: [derived] } : derived;
  if (derived.allOf) return { ...notes, ...derived };
  if (!complete && documented && '$ref' in documented) return { ...derived, allOf: [documented] };
  const merged = { ...(complete ? notes : documented), ...derived } as SchemaObject;
  Object.assign(merged, stringEnum(merged));
  if (merged.items && !('$ref' in merged.items)) {
    const documentedItems = documented && 'items' in documented ? documented.items : undefined;
    const items =
      !complete && documentedItems && !('$ref' in documentedItems) ? { ...documentedItems, ...merged.items } : merged.items;
    merged.items = { ...items, ...stringEnum(items) };
  }
  return merged;
}
