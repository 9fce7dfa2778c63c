import type { TSchema } from '@sinclair/typebox';

/**
 * The JSON Schema subset event contracts are written in (draft-07, so that AsyncAPI 3.0 tools and the
 * analytics team's validators read them as they are). Typed, so a misspelt keyword fails to compile.
 */
export const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Annotation on a property whose value is personal data: encrypted per person (crypto-shredding). */
export const PII_KEYWORD = 'x-pii';

type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type JsonSchema = {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  readonly properties?: { readonly [name: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: 'uuid' | 'date-time' | 'date' | 'email' | 'uri';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly JsonValue[];
  readonly const?: JsonValue;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly examples?: readonly JsonValue[];
  readonly [PII_KEYWORD]?: boolean;
  /** In a schema of data as Kafka carries it (wireSchema): what a sealed value opens to. */
  readonly 'x-pii-opened'?: JsonSchema;
};

/** Marks a property schema as personal data; a TypeBox schema keeps its static type. */
export function pii<Schema extends TSchema | JsonSchema>(schema: Schema): Schema {
  return { ...schema, [PII_KEYWORD]: true };
}

/**
 * A TypeBox schema as plain JSON Schema: without TypeBox's symbols, and with `type` first in every node
 * (TypeBox writes it after the options), so that the published documents read as the schemas are written.
 */
export function toJsonSchema(schema: TSchema): JsonSchema {
  return plainNode(schema) as JsonSchema;
}

function plainNode(node: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(node).map(([keyword, value]): [string, unknown] => {
    if (keyword === 'properties') return [keyword, mapValues(value as Record<string, Record<string, unknown>>, plainNode)];
    if (keyword === 'items') return [keyword, plainNode(value as Record<string, unknown>)];
    if (keyword === 'oneOf' || keyword === 'anyOf') return [keyword, (value as Record<string, unknown>[]).map(plainNode)];
    return [keyword, value];
  });
  return Object.fromEntries([
    ...entries.filter(([keyword]) => keyword === 'type'),
    ...entries.filter(([keyword]) => keyword !== 'type'),
  ]);
}

function mapValues<From, To>(record: Record<string, From>, change: (value: From) => To): Record<string, To> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, change(value)]));
}

/** JSON pointer segment escaping (RFC 6901). */
export function pointerSegment(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function* children(schema: JsonSchema, path: string): Generator<[JsonSchema, string]> {
  for (const [name, property] of Object.entries(schema.properties ?? {})) yield [property, `${path}/${pointerSegment(name)}`];
  // `*` stands for every element of an array.
  if (schema.items) yield [schema.items, `${path}/*`];
  for (const alternative of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) yield [alternative, path];
}

/**
 * JSON pointers into the event data of every value marked `x-pii` (`/name`, `/emails/*`).
 * A marked object is personal data as a whole, so its members are not listed separately.
 */
export function piiPointers(schema: JsonSchema): string[] {
  const found = new Set<string>();
  const visit = (node: JsonSchema, path: string): void => {
    if (node[PII_KEYWORD] === true) {
      found.add(path);
      return;
    }
    for (const [child, childPath] of children(node, path)) visit(child, childPath);
  };
  visit(schema, '');
  return [...found];
}

/**
 * Why a schema cannot be a contract, one line per problem: every object closed
 * (`additionalProperties: false`), every string and array bounded, every property typed.
 * Bounds keep a hostile or buggy producer from pushing unbounded data to every consumer.
 */
export function contractSchemaProblems(schema: JsonSchema): string[] {
  const problems: string[] = [];
  const visit = (node: JsonSchema, path: string): void => {
    const at = path || '(root)';
    const enumerated = node.enum !== undefined || node.const !== undefined;
    const combined = node.oneOf !== undefined || node.anyOf !== undefined;
    if (node.type === undefined && !enumerated && !combined) problems.push(`${at}: has no type`);
    if (node.type === 'object') {
      if (node.additionalProperties !== false) problems.push(`${at}: object must set additionalProperties: false`);
      for (const name of node.required ?? []) {
        if (!node.properties?.[name]) problems.push(`${at}: required property "${name}" is not defined`);
      }
    }
    if (node.type === 'string' && !enumerated && node.maxLength === undefined) problems.push(`${at}: string needs a maxLength`);
    if (node.type === 'array') {
      if (node.maxItems === undefined) problems.push(`${at}: array needs maxItems`);
      if (node.items === undefined) problems.push(`${at}: array needs an items schema`);
    }
    for (const [child, childPath] of children(node, path)) visit(child, childPath);
  };
  if (schema.type !== 'object') problems.push('(root): event data must be an object');
  visit(schema, '');
  return problems;
}
