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

/** The reserved parameters of a list (limit, cursor, sort, position, q), for docs and OpenAPI. */
export function reservedParameters(
  compiled: CompiledDefinition,
): { name: string; type: string; description: string; schema: ParameterSchema }[] {
  const sortable = [...compiled.fields.values()].filter((field) => field.sortable).map((field) => field.name);
  return [
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
      schema: { type: 'string', maxLength: MAX_CURSOR_LENGTH },
    },
    ...(sortable.length > 0 || compiled.defaultSort
      ? [
          {
            name: 'sort',
            type: 'comma list',
            description:
              `By ${sortable.join(', ') || 'nothing else'}; \`-\` before a field for descending` +
              (compiled.defaultSort ? `; default \`${compiled.defaultSort}\`` : ''),
            schema: { type: 'string', ...(compiled.defaultSort ? { default: compiled.defaultSort } : {}) },
          },
        ]
      : []),
    {
      name: 'position',
      type: 'string',
      description:
        "A write's `Position-Token`: the request waits (at most 5 s) until the list shows that write; 503 `read-model-behind` if not",
      schema: { type: 'string', maxLength: 1000 },
    },
    ...(compiled.search
      ? [
          {
            name: 'q',
            type: 'string',
            description: compiled.search.description ?? 'Search: a prefix of any searchable text, case and accents ignored',
            schema: { type: 'string', maxLength: MAX_VALUE_LENGTH },
          },
        ]
      : []),
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
