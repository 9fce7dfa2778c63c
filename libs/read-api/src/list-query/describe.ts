import { OPENAPI_OPAQUE_EXTENSION } from '@crm/platform';
import { MAX_CURSOR_LENGTH } from './cursor';
import { MAX_IN_VALUES, MAX_VALUE_LENGTH, type CompiledDefinition, type CompiledField } from './definition';
import type { ListQuery } from './list-query';
import { INVALID_QUERY } from './errors';

export type ParameterSchema = Record<string, unknown>;

/** The accepted query as markdown, for an operation's description or a README. */
export function describeListQuery(listQuery: ListQuery): string {
  const { compiled } = listQuery;
  const rows = [
    ...[...compiled.fields.values()].map((field) => [
      `\`${field.name}\``,
      typeLabel(field),
      `${field.operators.join(', ')}${field.sortable ? '; sortable' : ''}${field.description ? `. ${field.description}` : ''}`,
    ]),
    ...reservedParameters(compiled).map(({ name, type, description }) => [`\`${name}\``, type, description]),
  ];
  return [
    `Filter with \`?field=value\` (equals) or \`?field[operator]=value\`; \`in\` takes a comma-separated list of at most ` +
      `${MAX_IN_VALUES}, \`exists\` takes \`true\` or \`false\`. Anything else is a 400 \`${INVALID_QUERY}\` problem listing every bad parameter.`,
    '',
    '| parameter | type | operators / meaning |',
    '| --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

/**
 * Marks a parameter whose values only come from an earlier response (a cursor, a Position-Token): a client, or a
 * fuzzer, cannot make one up, and one it made up is refused.
 */
export const OPAQUE_TOKEN_EXTENSION = OPENAPI_OPAQUE_EXTENSION;
const BASE64URL = '^[A-Za-z0-9_-]+$';

export interface ReservedParameter {
  name: string;
  type: string;
  description: string;
  schema: ParameterSchema;
  /** Only from an earlier response (OPAQUE_TOKEN_EXTENSION). */
  opaque?: boolean;
}

/**
 * The reserved parameters of a list (limit, cursor, sort, position, q) and the endpoint's own (extra keys), for docs
 * and OpenAPI, with the schemas the parser holds them to. `paged: false` (an export) leaves out limit and cursor.
 */
export function reservedParameters(compiled: CompiledDefinition, { paged = true } = {}): ReservedParameter[] {
  const sortable = [...compiled.fields.values()].filter((field) => field.sortable).map((field) => field.name);
  return [
    ...(paged
      ? [
          {
            name: 'limit',
            type: `integer 1-${compiled.maxLimit}`,
            description: `Page size, default ${compiled.defaultLimit}`,
            schema: { type: 'integer', minimum: 1, maximum: compiled.maxLimit, default: compiled.defaultLimit },
          },
          {
            name: 'cursor',
            type: 'string',
            description: '`next` of the previous page, with the same `sort`',
            schema: { type: 'string', minLength: 1, maxLength: MAX_CURSOR_LENGTH, pattern: BASE64URL },
            opaque: true,
          },
        ]
      : []),
    ...(sortable.length > 0
      ? [
          {
            name: 'sort',
            type: 'comma list',
            description:
              `By ${sortable.join(', ')}; \`-\` before a field for descending. Several keys, each field once, are ` +
              `separated by commas: \`-createdAt,familyName\`` +
              (compiled.defaultSort ? `; default \`${compiled.defaultSort}\`` : ''),
            // One key as the schema; a comma list of them (which a schema cannot hold to "each field once") is taken too.
            schema: {
              type: 'string',
              enum: sortable.flatMap((name) => [name, `-${name}`]),
              ...(compiled.defaultSort && sortable.some((name) => [name, `-${name}`].includes(compiled.defaultSort!))
                ? { default: compiled.defaultSort }
                : {}),
            },
          },
        ]
      : []),
    {
      name: 'position',
      type: 'string',
      description:
        "A write's `Position-Token`: the request waits (at most 5 s) until the list shows that write; 503 `read-model-behind` if not",
      schema: { type: 'string', minLength: 1, maxLength: 1000, pattern: BASE64URL },
      opaque: true,
    },
    ...(compiled.search
      ? [
          {
            name: 'q',
            type: 'string',
            description: compiled.search.description ?? 'Search: a prefix of any searchable text, case and accents ignored',
            schema: { type: 'string', maxLength: MAX_VALUE_LENGTH, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' },
          },
        ]
      : []),
    ...[...compiled.extraKeys].map(([name, extra]) => ({
      name,
      type: extra.values ? extra.values.map((value) => `\`${value}\``).join(' or ') : 'string',
      description: extra.description ?? '',
      schema: extra.values ? { type: 'string', enum: [...extra.values] } : { type: 'string' },
    })),
  ];
}

function typeLabel(field: CompiledField): string {
  const base =
    field.type === 'enum'
      ? `one of ${field.values!.map((value) => `\`${value}\``).join(', ')}`
      : field.type === 'date-time'
        ? 'date-time (RFC 3339)'
        : field.type === 'date'
          ? 'date (YYYY-MM-DD)'
          : field.type;
  return field.array ? `${base}, list (matches any element)` : base;
}
