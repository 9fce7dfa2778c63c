import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidateIf } from 'class-validator';
import { documentValidator } from '../openapi/validation-schema';

/** The constraint a null in an optional field breaks; `fieldErrorsFrom` reports it alone. */
export const NOT_NULL = 'isNotNull';

const CLEAR_LIST = Symbol('crm:clear-list');

/** The list of an update that removes optional fields (`ClearList`): its property, and the fields it takes. */
interface ClearListOf {
  readonly property: string;
  readonly fields: readonly string[];
}

/** Marks `property` of a DTO as its list of fields to remove, so that a null in one of them says to name it there. */
export function declareClearList(prototype: object, property: string, fields: readonly string[]): void {
  Reflect.defineMetadata(CLEAR_LIST, { property, fields } satisfies ClearListOf, prototype);
}

/** What to do instead of sending null: leave the field out, or (on an update that can remove it) name it in its list. */
function insteadOfNull(object: object | undefined, property: string): string {
  const clear: ClearListOf | undefined = object && Reflect.getMetadata(CLEAR_LIST, object);
  if (!clear?.fields.includes(property)) return 'leave the field out instead';
  return `leave the field out to keep its value, or name it in \`${clear.property}\` to remove it`;
}

/**
 * An optional property: it may be left out, but not sent as null. class-validator's `@IsOptional()` also skips the
 * rules for null, so a null reached handlers, domains and event contracts that have no place for it (ESLint bans it).
 * Null means nothing here: to leave a value as it is, leave the field out; an update that removes values takes a
 * list of the fields to remove (`ClearList`), and the message of a null in one of those says so.
 */
export function Optional(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    ValidateBy({
      name: NOT_NULL,
      validator: {
        validate: (value: unknown) => value !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must not be null: ${insteadOfNull(args?.object, args?.property ?? '')}`,
      },
    }),
  );
}

// For the OpenAPI documents: the schema says no null already (it is not `nullable`), so the check adds nothing there.
documentValidator(NOT_NULL, {});
