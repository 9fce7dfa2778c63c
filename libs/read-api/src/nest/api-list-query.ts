import { applyDecorators } from '@nestjs/common';
import { ApiQuery, type ApiQueryOptions } from '@nestjs/swagger';
import { RFC_3339_PATTERN } from '@crm/platform';
import {
  ApiJsonResponse,
  ApiProblemResponse,
  RESPONSE_HEADERS,
  type ReferenceObject,
  type SchemaObject,
} from '@crm/platform/nest';
import type { CompiledField } from '../list-query/definition';
import { OPAQUE_TOKEN_EXTENSION, reservedParameters, type ParameterSchema } from '../list-query/describe';
import type { ListQuery } from '../list-query/list-query';
import { MAX_CURSOR_LENGTH } from '../list-query/cursor';

/** No control characters, as the parser refuses them; where it normalizes (trims), something besides spaces. */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$';
const PRINTABLE_NOT_BLANK = '^[^\\u0000-\\u001f\\u007f]*[^\\u0000-\\u001f\\u007f\\s][^\\u0000-\\u001f\\u007f]*$';
const HEX = '[0-9a-fA-F]';

export interface ApiListQueryOptions {
  /** The schema of one item: the 200 answer is then documented as a page of them (`listPageSchema`). */
  items?: ReferenceObject | SchemaObject;
  /** An export holds every match: no `limit` or `cursor`. */
  paged?: boolean;
}

/** What a list endpoint answers: `{ items, next? }`. */
export function listPageSchema(items: ReferenceObject | SchemaObject): SchemaObject {
  return {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items },
      next: {
        type: 'string',
        maxLength: MAX_CURSOR_LENGTH,
        description: 'There are more: send this as `cursor` (with the same `sort`) for the next page. Absent on the last one.',
      },
    },
  };
}

/**
 * Swagger parameters for a list endpoint, with the schemas the parser holds them to: each field's equality form
 * (naming its other operators), the reserved keys and the endpoint's own; the 503 a `position` may end in; and, given
 * the item's schema, the page it answers. `cursor` and `position` are marked opaque (OPAQUE_TOKEN_EXTENSION).
 */
export function ApiListQuery(listQuery: ListQuery, { items, paged = true }: ApiListQueryOptions = {}): MethodDecorator {
  const { compiled } = listQuery;
  const fields = [...compiled.fields.values()].map((field) => {
    const [first] = field.operators;
    const others = field.operators.filter((op) => op !== 'eq').map((op) => `\`${field.name}[${op}]\``);
    const described = `${first === 'eq' ? 'Equals.' : ''} ${others.length > 0 ? `Also ${others.join(', ')}.` : ''} ${field.description ?? ''}`;
    return ApiQuery({
      name: first === 'eq' ? field.name : `${field.name}[${first}]`,
      required: false,
      description: described.replace(/\s+/g, ' ').trim(),
      schema: first === 'exists' ? { type: 'string', enum: ['true', 'false'] } : schemaOf(field),
    });
  });
  const reserved = reservedParameters(compiled, { paged }).map(({ name, description, schema, opaque }) =>
    ApiQuery({
      name,
      required: false,
      description,
      schema,
      ...(opaque && { [OPAQUE_TOKEN_EXTENSION]: true }),
    } as ApiQueryOptions),
  );
  return applyDecorators(
    ...fields,
    ...reserved,
    ApiProblemResponse(503, 'The list did not show the write given in `position` in time; retry after the time given', {
      [RESPONSE_HEADERS.retryAfter.name]: RESPONSE_HEADERS.retryAfter.header,
    }),
    ...(items ? [ApiJsonResponse(200, listPageSchema(items), { description: 'A page of the list' })] : []),
  );
}

function schemaOf(field: CompiledField): ParameterSchema {
  switch (field.type) {
    case 'string':
      return {
        type: 'string',
        minLength: 1,
        maxLength: field.maxLength,
        pattern: field.normalize ? PRINTABLE_NOT_BLANK : PRINTABLE,
      };
    case 'enum':
      return { type: 'string', enum: [...field.values!] };
    case 'uuid':
      return { type: 'string', format: 'uuid', pattern: `^${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}$` };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'date-time':
      return { type: 'string', format: 'date-time', pattern: RFC_3339_PATTERN };
    case 'boolean':
      return { type: 'string', enum: ['true', 'false'] };
    default:
      return { type: field.type };
  }
}
