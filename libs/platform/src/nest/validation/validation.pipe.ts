import { ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '../../problems/platform-errors';
import { fieldErrorsFrom } from './validation-errors';

/**
 * The global pipe: DTOs are class-validator classes; unknown properties are rejected (not silently
 * dropped), input becomes DTO instances, and every bad field is reported at once as a 400 problem.
 * No implicit conversion: query DTOs convert explicitly with `@Type(() => Number)`, because implicit
 * conversion turns "false" into true.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    // Values are kept on the errors only to tell arrays from objects; they never reach the client.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(fieldErrorsFrom(errors)),
  });
}
