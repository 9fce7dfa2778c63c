import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidateIf } from 'class-validator';
import { documentValidator } from '../openapi/validation-schema';

/** The constraint a null in an optional field breaks; `fieldErrorsFrom` reports it alone. */
export const NOT_NULL = 'isNotNull';

/**
 * An optional property: it may be left out, but not sent as null. class-validator's `@IsOptional()` also skips the
 * rules for null, so a null reached handlers, domains and event contracts that have no place for it (ESLint bans it).
 * Null means nothing here: to leave a value as it is, leave the field out; a route that removes values says how
 * (the contacts' PATCH takes `clear`).
 */
export function Optional(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    ValidateBy({
      name: NOT_NULL,
      validator: {
        validate: (value: unknown) => value !== null,
        defaultMessage: (args) => `${args?.property ?? 'value'} must not be null: leave the field out instead`,
      },
    }),
  );
}

// For the OpenAPI documents: the schema says no null already (it is not `nullable`), so the check adds nothing there.
documentValidator(NOT_NULL, {});
