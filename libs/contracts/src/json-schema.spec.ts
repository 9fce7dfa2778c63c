import { Type } from '@sinclair/typebox';
import { Closed, OneOf, StringEnum } from './common-schemas';
import { contractSchemaProblems, pii, piiPointers, toJsonSchema, type JsonSchema } from './json-schema';

const boundedString: JsonSchema = { type: 'string', maxLength: 50 };

describe('piiPointers', () => {
  it('points at every marked value, into nested objects and arrays', () => {
    const schema: JsonSchema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        customerId: boundedString,
        name: pii({ type: 'object', additionalProperties: false, properties: { given: boundedString } }),
        address: {
          type: 'object',
          additionalProperties: false,
          properties: { street: pii(boundedString), country: boundedString },
        },
        phones: { type: 'array', maxItems: 5, items: pii(boundedString) },
        'odd/key~': pii(boundedString),
      },
    };
    expect(piiPointers(schema)).toEqual(['/name', '/address/street', '/phones/*', '/odd~1key~0']);
  });

  it('finds none in a schema without marks', () => {
    expect(piiPointers({ type: 'object', additionalProperties: false, properties: { a: boundedString } })).toEqual([]);
  });
});

describe('contractSchemaProblems', () => {
  it('accepts a closed, bounded, typed schema', () => {
    const schema: JsonSchema = {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: {
        status: { enum: ['open', 'closed'] },
        tags: { type: 'array', maxItems: 10, items: boundedString },
        amount: { type: 'integer', minimum: 0 },
      },
    };
    expect(contractSchemaProblems(schema)).toEqual([]);
  });

  it('lists every open object, unbounded string or array, untyped property and undefined required field', () => {
    const schema = {
      type: 'object',
      required: ['missing'],
      properties: {
        note: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', maxLength: 5 } },
        anything: {},
        nested: { type: 'object', additionalProperties: false, properties: { text: { type: 'string' } } },
      },
    } as JsonSchema;
    expect(contractSchemaProblems(schema)).toEqual([
      '(root): object must set additionalProperties: false',
      '(root): required property "missing" is not defined',
      '/note: string needs a maxLength',
      '/tags: array needs maxItems',
      '/anything: has no type',
      '/nested/text: string needs a maxLength',
    ]);
  });

  it('requires event data to be an object', () => {
    expect(contractSchemaProblems(boundedString)).toContain('(root): event data must be an object');
  });
});

describe('toJsonSchema', () => {
  it('writes `type` first in every schema, and leaves the order of properties alone', () => {
    const schema = Closed({
      name: pii(Type.String({ maxLength: 50, description: 'A name.' })),
      type: StringEnum(['a', 'b']),
      tags: Type.Optional(Type.Array(Type.String({ maxLength: 5 }), { maxItems: 3 })),
      value: OneOf([Type.Number(), Type.Boolean()]),
    });
    expect(JSON.stringify(toJsonSchema(schema))).toBe(
      JSON.stringify({
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'value'],
        properties: {
          name: { type: 'string', maxLength: 50, description: 'A name.', 'x-pii': true },
          type: { type: 'string', enum: ['a', 'b'] },
          tags: { type: 'array', maxItems: 3, items: { type: 'string', maxLength: 5 } },
          value: { oneOf: [{ type: 'number' }, { type: 'boolean' }] },
        },
      }),
    );
  });

  it('drops TypeBox’s symbols', () => {
    const plain = toJsonSchema(Closed({ note: Type.Optional(Type.String({ maxLength: 5 })) }));
    expect(Object.getOwnPropertySymbols(plain)).toEqual([]);
    expect(Object.getOwnPropertySymbols(plain.properties!.note)).toEqual([]);
  });
});
