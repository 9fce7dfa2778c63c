import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsEmail, IsInt, validateSync } from 'class-validator';
import { BoundedArray, BoundedString, BoundedStringArray, Nested } from './bounded';
import { fieldErrorsFrom } from './validation-errors';

class Email {
  @IsEmail()
  address!: string;
}

class Address {
  @BoundedString(2, { minLength: 2 })
  country!: string;
}

class Contact {
  @BoundedString(10)
  name!: string;

  @BoundedArray(3, Email)
  emails!: Email[];

  @Nested(Address, { optional: true })
  address?: Address;

  @BoundedStringArray(2, 5, { optional: true })
  tags?: string[];

  @IsInt()
  score!: number;
}

const validate = (plain: object) =>
  fieldErrorsFrom(
    validateSync(plainToInstance(Contact, plain), {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
    }),
  );

describe('fieldErrorsFrom', () => {
  it('is empty for valid input', () => {
    expect(validate({ name: 'Ada', emails: [{ address: 'ada@example.com' }], score: 1 })).toEqual([]);
  });

  it('lists each bad field with its full path, nested in arrays and objects', () => {
    const errors = validate({
      name: 'x'.repeat(11),
      emails: [{ address: 'ada@example.com' }, { address: 'nope', extra: true }],
      address: { country: 'GBR' },
      tags: ['ok', 'toolong'],
      score: 'high',
      unknown: 1,
    });
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['name', 'emails[1].address', 'emails[1].extra', 'address.country', 'tags', 'score', 'unknown'].sort(),
    );
    expect(errors.find((e) => e.field === 'emails[1].address')?.messages).toEqual(['address must be an email']);
    expect(errors.find((e) => e.field === 'tags')?.messages).toEqual([
      'each value in tags must be shorter than or equal to 5 characters',
    ]);
  });

  it('reports every broken rule of a field', () => {
    const errors = validate({ emails: [], score: 1 });
    expect(errors.find((e) => e.field === 'name')?.messages).toHaveLength(2);
  });

  it('tells array indices from numeric-looking object keys by the value', () => {
    expect(
      fieldErrorsFrom([
        {
          property: 'byYear',
          value: { '2024': {} },
          children: [{ property: '2024', value: {}, constraints: { isDefined: 'must be defined' }, children: [] }],
        },
      ]),
    ).toEqual([{ field: 'byYear["2024"]', messages: ['must be defined'] }]);
  });
});
