import { ValidationPipe, type Type } from '@nestjs/common';
import type { ValidatorOptions } from '@nestjs/common/interfaces/external/validator-options.interface';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, validateSync, ValidationTypes, type ValidationError } from 'class-validator';
import type { FieldError } from '../../problems/problem';
import { RequestValidationError } from '../../problems/platform-errors';
import { fieldErrorsFrom } from './validation-errors';
import { nestedTypeOf } from './nested-type';

/** How input is checked, by the pipe and by `inputErrors` alike. */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
  // Values are kept on the errors only to tell arrays from objects; they never reach the client.
  validationError: { target: false, value: true },
};

/**
 * The global pipe: DTOs are class-validator classes; unknown properties are rejected (not silently
 * dropped), input becomes DTO instances, and every bad field is reported at once as a 400 problem.
 * No implicit conversion: query DTOs convert explicitly with `@Type(() => Number)`, because implicit
 * conversion turns "false" into true.
 */
export function createValidationPipe(): ValidationPipe {
  return new SyncValidationPipe({
    ...VALIDATION_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationError(fieldErrorsFrom(errors)),
  });
}

/**
 * Validates synchronously: class-validator's `validate` builds a promise per property and rule (a fifth of the pipe's
 * time in a profile). A DTO with an asynchronous rule anywhere in it, which `validateSync` would skip, is validated
 * the asynchronous way; which DTOs have one is worked out once per class.
 */
class SyncValidationPipe extends ValidationPipe {
  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] | Promise<ValidationError[]> {
    return hasAsyncRule(object.constructor as Type<object>) ? validate(object, options) : validateSync(object, options);
  }
}

const asyncRules = new WeakMap<object, boolean>();

/** Whether a class, or a class nested in it, has a rule class-validator only runs asynchronously. */
export function hasAsyncRule(type: Type<object>, seen = new Set<object>()): boolean {
  const known = asyncRules.get(type);
  if (known !== undefined) return known;
  if (seen.has(type)) return false;
  seen.add(type);
  const storage = getMetadataStorage();
  const found = storage.getTargetValidationMetadatas(type, '', true, false).some((rule) => {
    if (rule.type === ValidationTypes.PROMISE_VALIDATION) return true;
    if (rule.type === ValidationTypes.CUSTOM_VALIDATION) {
      return storage.getTargetValidatorConstraints(rule.constraintCls).some((constraint) => constraint.async);
    }
    const nested = rule.type === ValidationTypes.NESTED_VALIDATION ? nestedTypeOf(type, rule.propertyName) : undefined;
    return nested !== undefined && hasAsyncRule(nested, seen);
  });
  asyncRules.set(type, found);
  return found;
}

/**
 * Every bad field of `input` as the pipe would report it for a request body of this class (`emails[0].address`), for
 * input that does not come through a request: a CSV row checked against a command's input class.
 */
export function inputErrors(type: Type<object>, input: object): FieldError[] {
  return fieldErrorsFrom(validateSync(plainToInstance(type, input), VALIDATION_OPTIONS));
}
