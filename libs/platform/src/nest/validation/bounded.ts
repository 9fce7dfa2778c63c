import { applyDecorators, type Type as Class } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { OPENAPI_OPAQUE_EXTENSION, OPENAPI_RULE_EXTENSION } from '../../http/openapi-extensions';
import { declareClearList, Optional } from './optional';

/**
 * DTO property decorators with the bounds every input needs (no unbounded string or array reaches
 * a handler) and the matching OpenAPI schema. Nested DTOs get @ValidateNested + @Type, without which
 * class-validator silently skips them.
 */

interface PropertyOptions {
  optional?: boolean;
  description?: string;
  /**
   * A rule the service checks beyond what a schema can say (a phone number valid in its country, a past date), in
   * words; the property's `example` must keep it. OpenAPI shows it as `x-crm-rule` (see docs/api.md).
   */
  rule?: string;
  /** Its values only come from an earlier response (a cursor): none can be made up. OpenAPI: `x-crm-opaque`. */
  opaque?: boolean;
  example?: unknown;
}

const documented = ({ rule, opaque, example }: PropertyOptions) => ({
  ...(example !== undefined && { example }),
  ...(rule !== undefined && { [OPENAPI_RULE_EXTENSION]: rule }),
  ...(opaque && { [OPENAPI_OPAQUE_EXTENSION]: true }),
});

/** Optional means it may be left out; null is refused like any other value of the wrong type. */
const optionalIf = (optional: boolean | undefined): PropertyDecorator[] => (optional ? [Optional()] : []);

export function BoundedString(
  maxLength: number,
  options: PropertyOptions & { minLength?: number; pattern?: RegExp; example?: string } = {},
): PropertyDecorator {
  const { minLength, pattern, optional, description } = options;
  return applyDecorators(
    ...optionalIf(optional),
    IsString(),
    MaxLength(maxLength),
    ...(minLength !== undefined ? [MinLength(minLength)] : []),
    ...(pattern ? [Matches(pattern)] : []),
    ApiProperty({
      type: String,
      maxLength,
      minLength,
      pattern: pattern?.source,
      required: !optional,
      description,
      ...documented(options),
    }),
  );
}

/** What every bounded array checks: optional or present, an array, within its size limits. */
function arrayBounds(maxItems: number, minItems: number | undefined, optional: boolean | undefined) {
  return [
    ...optionalIf(optional),
    IsArray(),
    ArrayMaxSize(maxItems),
    ...(minItems !== undefined ? [ArrayMinSize(minItems)] : []),
  ];
}

/** An array of strings; `minLength` and `pattern` hold for each item, `unique` for the array. */
export function BoundedStringArray(
  maxItems: number,
  maxLength: number,
  options: PropertyOptions & {
    minItems?: number;
    minLength?: number;
    pattern?: RegExp;
    unique?: boolean;
    example?: string[];
  } = {},
): PropertyDecorator {
  const { minItems, minLength, pattern, unique, optional, description } = options;
  return applyDecorators(
    ...arrayBounds(maxItems, minItems, optional),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
    ...(minLength !== undefined ? [MinLength(minLength, { each: true })] : []),
    ...(pattern ? [Matches(pattern, { each: true })] : []),
    ...(unique ? [ArrayUnique()] : []),
    ApiProperty({
      type: String,
      isArray: true,
      maxItems,
      minItems,
      ...(unique && { uniqueItems: true }),
      required: !optional,
      description,
      ...documented(options),
    }),
  );
}

/** An array of nested DTOs, each validated. */
export function BoundedArray(
  maxItems: number,
  of: Class,
  options: PropertyOptions & { minItems?: number } = {},
): PropertyDecorator {
  const { minItems, optional, description } = options;
  return applyDecorators(
    ...arrayBounds(maxItems, minItems, optional),
    ValidateNested({ each: true }),
    Type(() => of),
    ApiProperty({ type: of, isArray: true, maxItems, minItems, required: !optional, description, ...documented(options) }),
  );
}

/** A nested DTO object, validated. */
export function Nested(of: Class, options: PropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ...optionalIf(options.optional),
    IsObject(),
    ValidateNested(),
    Type(() => of),
    ApiProperty({ type: of, required: !options.optional, description: options.description, ...documented(options) }),
  );
}

/**
 * The list of an update's optional fields to remove (`clear`): null is refused in every field, and a null in one of
 * these is answered with how to remove it (name it here).
 */
export function ClearList(fields: readonly string[], options: { maxLength?: number } = {}): PropertyDecorator {
  return (target, property) => {
    declareClearList(target, String(property), fields);
    applyDecorators(
      IsIn(fields, { each: true }),
      BoundedStringArray(fields.length, options.maxLength ?? 20, {
        optional: true,
        description: 'Optional fields to remove (null is refused in every field: name a field here to remove it).',
      }),
      ApiProperty({ required: false, enum: fields, isArray: true }),
    )(target, property);
  };
}
