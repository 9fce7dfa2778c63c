import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsEmail, IsInt, validateSync } from 'class-validator';
import { BoundedArray, BoundedString, BoundedStringArray, ClearList, Nested } from './bounded';
import { fieldErrorsFrom } from './validation-errors';

class Email {
  @IsEmail()
  address!: string;
}

class Address {
  @BoundedString(2, { minLength: 2 })
  country!: string;

  @BoundedString(20, { optional: true })
  city?: string;
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

/** An update: the fields it can remove are named in `remove` (ClearList). */
class ContactChanges {
  @BoundedString(20, { optional: true })
  nickname?: string;

  @Nested(Address, { optional: true })
  address?: Address;

  @ClearList(['nickname', 'address'])
  remove?: string[];
}

const validate = (plain: object, type: new () => object = Contact) =>
  fieldErrorsFrom(
    validateSync(plainToInstance(type, plain), {
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

  it('takes an optional field left out, but refuses it null, with that one message, at any depth', () => {
    const valid = { name: 'Ada', emails: [], score: 1 };
    expect(validate({ ...valid, address: { country: 'CH' } })).toEqual([]);
    expect(validate({ ...valid, address: null, tags: null })).toEqual([
      { field: 'address', messages: ['address must not be null: leave the field out instead'] },
      { field: 'tags', messages: ['tags must not be null: leave the field out instead'] },
    ]);
    expect(validate({ ...valid, address: { country: 'CH', city: null } })).toEqual([
      { field: 'address.city', messages: ['city must not be null: leave the field out instead'] },
    ]);
  });

  it('says how to remove a value where the update has a clear list naming the field, and only there', () => {
    expect(validate({ nickname: null, address: { country: 'CH', city: null } }, ContactChanges)).toEqual([
      {
        field: 'nickname',
        messages: ['nickname must not be null: leave the field out to keep its value, or name it in `remove` to remove it'],
      },
      // The nested address has no list of its own: its city is left out or the whole address removed.
      { field: 'address.city', messages: ['city must not be null: leave the field out instead'] },
    ]);
    expect(validate({ remove: ['nickname', 'address'] }, ContactChanges)).toEqual([]);
    expect(validate({ remove: ['city'] }, ContactChanges).map((e) => e.field)).toEqual(['remove']);
  });

  it('refuses null in a required field as a value of the wrong type', () => {
    expect(validate({ name: null, emails: [], score: 1 }).map((e) => e.field)).toEqual(['name']);
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
