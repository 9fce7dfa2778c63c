import { ApiResponse } from '@nestjs/swagger';
import type { HeaderObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import { Type as TypeBox, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { PROBLEM_BASE_URI, PROBLEM_CONTENT_TYPE } from '../../problems/problem';

export type { HeaderObject, ReferenceObject, SchemaObject };

const COMPONENT_PREFIX = '#/components/schemas/';
export const PROBLEM_SCHEMA_REF = `${COMPONENT_PREFIX}ProblemDetails`;

export const problemSchemas: Record<string, SchemaObject> = {
  FieldError: {
    type: 'object',
    required: ['field', 'messages'],
    properties: {
      field: {
        type: 'string',
        example: 'emails[0].address',
        description: 'Path of the field as sent; empty for the input as a whole',
      },
      messages: { type: 'array', items: { type: 'string' }, example: ['address must be an email'] },
      in: { type: 'string', enum: ['body', 'query'] },
    },
  },
  ProblemDetails: {
    type: 'object',
    description: `RFC 9457 problem details. \`type\` identifies the problem; platform types are under ${PROBLEM_BASE_URI}.`,
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', format: 'uri', example: `${PROBLEM_BASE_URI}validation` },
      title: { type: 'string', example: 'The request is invalid' },
      status: { type: 'integer', example: 400 },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'Request path' },
      correlationId: { type: 'string', description: 'Quote it when reporting a problem' },
      errors: { type: 'array', items: { $ref: `${COMPONENT_PREFIX}FieldError` } },
    },
  },
};

/** Response headers the platform sets, documented alike wherever they appear. */
export const RESPONSE_HEADERS = {
  etag: {
    name: 'ETag',
    header: {
      description: 'The revision of the resource as a strong validator: send it back in `If-Match` to make a write conditional.',
      required: true,
      schema: { type: 'string', pattern: '^"[0-9]+"$', example: '"3"' },
    },
  },
  location: {
    name: 'Location',
    header: {
      description: 'Where the created resource is.',
      required: true,
      schema: { type: 'string', example: '/v1/items/0192…' },
    },
  },
  retryAfter: {
    name: 'Retry-After',
    header: { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
  },
} satisfies Record<string, { name: string; header: HeaderObject }>;

const named = new Map<string, SchemaObject>();

/**
 * A schema the document lists under `components.schemas` by name: a response body written once (in TypeBox, say)
 * beside the type it describes. Returns the reference to use in decorators; the document holds the schemas it uses.
 * JSON Schema keywords OpenAPI 3.0 lacks are rewritten (`const` → `enum`, `examples` → `example`).
 */
export function namedSchema(name: string, schema: object): ReferenceObject {
  const plain = toOpenApi30(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) as SchemaObject;
  const taken = named.get(name);
  if (taken && JSON.stringify(taken) !== JSON.stringify(plain)) throw new Error(`Another schema is already named ${name}`);
  named.set(name, plain);
  return { $ref: `${COMPONENT_PREFIX}${name}` };
}

/** A named schema (`namedSchema`) as a TypeBox schema of type `T`, to use inside other response schemas. */
export const namedType = <T>(name: string, schema: TSchema | object): TUnsafe<T> => TypeBox.Unsafe<T>(namedSchema(name, schema));

/** Whether A and B are the same type, both ways. */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compiles only when a response schema's type and the type its handler returns are the same, so that the document
 * cannot drift from what is sent: `sameShape<Static<typeof contactViewSchema>, ContactView>(true)`.
 */
export function sameShape<A, B>(_proof: SameShape<A, B>): void {}

/** The named schemas `document` refers to (and those they refer to), for its components. */
export function namedSchemasUsedBy(document: object, known: Record<string, unknown> = {}): Record<string, SchemaObject> {
  const found: Record<string, SchemaObject> = {};
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_PREFIX)) {
        const name = value.slice(COMPONENT_PREFIX.length);
        const schema = named.get(name);
        if (schema && !(name in found) && !(name in known)) {
          found[name] = schema;
          visit(schema);
        }
      } else visit(value);
    }
  };
  visit(document);
  return found;
}

function toOpenApi30(schema: Record<string, unknown>): Record<string, unknown> {
  const node = withNullable(schema);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'examples' && Array.isArray(value)) out.example = value[0];
    else if (key === 'properties' || key === 'patternProperties')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Record<string, unknown>>).map(([name, schema]) => [name, toOpenApi30(schema)]),
      );
    else if (Array.isArray(value) && ['oneOf', 'anyOf', 'allOf'].includes(key))
      out[key] = value.map((schema) => toOpenApi30(schema as Record<string, unknown>));
    else if ((key === 'items' || key === 'not' || key === 'additionalProperties') && value !== null && typeof value === 'object')
      out[key] = toOpenApi30(value as Record<string, unknown>);
    else if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((type) => type !== 'null');
      out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else out[key] = value;
  }
  return out;
}

/** `anyOf: [X, { type: 'null' }]` (JSON Schema's "X or null") as OpenAPI 3.0 says it: X with `nullable: true`. */
function withNullable(node: Record<string, unknown>): Record<string, unknown> {
  const { anyOf, ...rest } = node;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const isNull = (schema: unknown) => JSON.stringify(schema) === '{"type":"null"}';
  const value = anyOf.find((schema) => !isNull(schema)) as Record<string, unknown> | undefined;
  if (!value || !anyOf.some(isNull) || typeof value.type !== 'string') return node;
  return { ...value, ...rest, nullable: true };
}

export interface JsonResponseOptions {
  description?: string;
  /** Response headers by name; see RESPONSE_HEADERS. */
  headers?: Record<string, HeaderObject>;
  /** Another media type than JSON: `text/csv`. */
  contentType?: string;
}

/**
 * Documents one response of an operation: its status and its body, a named schema (`namedSchema`), an inline
 * schema or a class with `@ApiProperty()`s; without a body for a 204.
 */
export function ApiJsonResponse(
  status: number,
  body: ReferenceObject | SchemaObject | Type | undefined,
  { description, headers, contentType = 'application/json' }: JsonResponseOptions = {},
): MethodDecorator & ClassDecorator {
  const text = description ?? (status === 201 ? 'Created' : status === 204 ? 'No content' : 'OK');
  if (body === undefined) return ApiResponse({ status, description: text, headers });
  if (typeof body === 'function') return ApiResponse({ status, description: text, headers, type: body });
  return ApiResponse({ status, description: text, headers, content: { [contentType]: { schema: body } } });
}

/** Documents a problem response of one operation: `@ApiProblemResponse(404, 'No such contact')`. */
export const ApiProblemResponse = (status: number, description: string, headers?: Record<string, HeaderObject>) =>
  ApiResponse({ status, description, headers, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } } });
