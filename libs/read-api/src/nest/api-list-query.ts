import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { CompiledField } from '../list-query/definition';
import { reservedParameters, type ParameterSchema } from '../list-query/describe';
import type { ListQuery } from '../list-query/list-query';

/** Swagger parameters for a list endpoint: each field's equality form (naming its other operators) and the reserved keys. */
export function ApiListQuery(listQuery: ListQuery): MethodDecorator {
  const { compiled } = listQuery;
  const fields = [...compiled.fields.values()].map((field) => {
    const [first] = field.operators;
    const others = field.operators.filter((op) => op !== 'eq').map((op) => `\`${field.name}[${op}]\``);
    const described = `${first === 'eq' ? 'Equals.' : ''} ${others.length > 0 ? `Also ${others.join(', ')}.` : ''} ${field.description ?? ''}`;
    return ApiQuery({
      name: first === 'eq' ? field.name : `${field.name}[${first}]`,
      required: false,
      description: described.replace(/\s+/g, ' ').trim(),
      schema: schemaOf(field),
    });
  });
  const reserved = reservedParameters(compiled).map(({ name, description, schema }) =>
    ApiQuery({ name, required: false, description, schema }),
  );
  return applyDecorators(...fields, ...reserved);
}

function schemaOf(field: CompiledField): ParameterSchema {
  switch (field.type) {
    case 'string':
      return { type: 'string', maxLength: field.maxLength };
    case 'enum':
      return { type: 'string', enum: [...field.values!] };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'date-time':
      return { type: 'string', format: 'date-time' };
    default:
      return { type: field.type };
  }
}
