import 'reflect-metadata';
import { IsIn, IsInt, Max, Min, ValidateBy } from 'class-validator';
import { BoundedArray, BoundedString, BoundedStringArray, Nested } from '../validation/bounded';
import { IsUuid } from '../validation/formats';
import { Optional } from '../validation/optional';
import { documentValidator, mergedProperty, validatedClass } from './validation-schema';

class Address {
  @BoundedString(2, { pattern: /^[A-Z]{2}$/ }) country!: string;
}

class Person {
  @BoundedString(100, { minLength: 1, example: 'Ada', rule: 'not blank' }) given!: string;
  @Optional() @IsIn(['lead', 'customer']) stage?: string;
  @Optional() @IsInt() @Min(0) @Max(10) score?: number;
  @IsUuid({ each: true }) @BoundedStringArray(3, 36) friends!: string[];
  @BoundedArray(5, Address, { optional: true }) addresses?: Address[];
  @Nested(Address) home!: Address;
  @Optional() @ValidateBy({ name: 'isPlanet', validator: { validate: (value) => value === 'Earth' } }) planet?: string;
}

documentValidator('isPlanet', { type: 'string', enum: ['Earth'] });

describe('validatedClass', () => {
  const { properties, required, nested } = validatedClass(Person, 'body');

  it('requires what is not optional, and knows each nested input class', () => {
    expect(required.sort()).toEqual(['friends', 'given', 'home']);
    expect([...nested.keys()]).toEqual(['Address']);
  });

  it('says what each validator takes, items included, as complete when it knows every one', () => {
    expect(properties.given).toEqual({ schema: { type: 'string', maxLength: 100, minLength: 1 }, complete: true });
    expect(properties.stage).toEqual({ schema: { enum: ['lead', 'customer'] }, complete: true });
    expect(properties.score.schema).toEqual({ type: 'integer', minimum: 0, maximum: 10 });
    expect(properties.friends.schema).toMatchObject({
      type: 'array',
      maxItems: 3,
      items: { type: 'string', maxLength: 36, format: 'uuid' },
    });
    expect(properties.addresses.schema).toEqual({ type: 'array', maxItems: 5, items: { $ref: '#/components/schemas/Address' } });
    expect(properties.home.schema).toEqual({ $ref: '#/components/schemas/Address' });
    // A validator of one's own says what it takes through documentValidator.
    expect(properties.planet).toEqual({ schema: { type: 'string', enum: ['Earth'] }, complete: true });
  });

  it('lays what validation enforces over what @ApiProperty() says, keeping descriptions, examples and x- notes', () => {
    const documented = { type: 'string', maxLength: 5, description: 'Given name', example: 'Ada', 'x-crm-rule': 'not blank' };
    expect(mergedProperty(documented, properties.given)).toEqual({
      description: 'Given name',
      example: 'Ada',
      'x-crm-rule': 'not blank',
      type: 'string',
      maxLength: 100,
      minLength: 1,
    });
    expect(mergedProperty({ type: 'string' }, properties.stage)).toEqual({ type: 'string', enum: ['lead', 'customer'] });
    // A validator it cannot tell leaves the documented schema standing.
    expect(mergedProperty({ type: 'object', description: 'x' }, { schema: {}, complete: false })).toEqual({
      type: 'object',
      description: 'x',
    });
  });
});
