import 'reflect-metadata';
import { ValidateNested, ValidatorConstraint, Validate, IsString, type ValidatorConstraintInterface } from 'class-validator';
import { Type } from 'class-transformer';
import type { Type as Class } from '@nestjs/common';
import { createValidationPipe, hasAsyncRule } from './validation.pipe';
import { RequestValidationError } from '../../problems/platform-errors';

@ValidatorConstraint({ name: 'isTaken', async: true })
class IsFree implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value !== 'taken');
  }
}

class Plain {
  @IsString() name!: string;
}
class WithAsync {
  @Validate(IsFree) handle!: string;
}
class Outer {
  @ValidateNested() @Type(() => WithAsync) inner!: WithAsync;
}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const body = (metatype: Class<object>) => ({ type: 'body' as const, metatype: metatype as never });

  it('knows which DTOs have an asynchronous rule, nested ones included', () => {
    expect([hasAsyncRule(Plain), hasAsyncRule(WithAsync), hasAsyncRule(Outer)]).toEqual([false, true, true]);
  });

  it('still runs asynchronous rules, which validateSync would skip', async () => {
    await expect(pipe.transform({ inner: { handle: 'taken' } }, body(Outer))).rejects.toBeInstanceOf(RequestValidationError);
    await expect(pipe.transform({ inner: { handle: 'free' } }, body(Outer))).resolves.toBeInstanceOf(Outer);
  });

  it('validates the others synchronously, reporting every bad field', async () => {
    await expect(pipe.transform({ name: 'Ada' }, body(Plain))).resolves.toEqual(Object.assign(new Plain(), { name: 'Ada' }));
    await expect(pipe.transform({ name: 1, extra: true }, body(Plain))).rejects.toMatchObject({
      errors: [{ field: 'extra' }, { field: 'name' }],
    });
  });
});
