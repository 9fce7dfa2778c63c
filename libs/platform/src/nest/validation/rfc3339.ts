import { ValidateBy, type ValidationOptions } from 'class-validator';
import { readRfc3339, RFC_3339_EXAMPLE, RFC_3339_PATTERN } from '../../validation/rfc3339';
import { documentValidator } from '../openapi/validation-schema';

const NAME = 'isRfc3339DateTime';

/**
 * An RFC 3339 date-time with an offset (`2025-01-31T09:30:00Z`) that names a real instant within years 0000-9999 in
 * UTC: what the contracts' timestamps hold. Unlike `@IsISO8601()`, it takes every year and offset RFC 3339 allows,
 * and nothing else, so that the document (`format: date-time` and its pattern) says exactly what passes.
 */
export function IsRfc3339DateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: NAME,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && readRfc3339(value).ok,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an RFC 3339 date-time such as ${RFC_3339_EXAMPLE}`,
      },
    },
    options,
  );
}

documentValidator(NAME, { type: 'string', format: 'date-time', pattern: RFC_3339_PATTERN, example: RFC_3339_EXAMPLE });
