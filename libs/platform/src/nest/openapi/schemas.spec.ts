import { namedSchema, namedSchemasUsedBy } from './schemas';

describe('namedSchema', () => {
  it('says "or null" as OpenAPI 3.0 does: nullable, for a type array and for anyOf with null', () => {
    const ref = namedSchema('NullableSpecimen', {
      type: 'object',
      properties: {
        note: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }], description: 'Null once erased.' },
        count: { type: ['integer', 'null'] },
        either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    });
    expect(namedSchemasUsedBy({ schema: ref }).NullableSpecimen).toEqual({
      type: 'object',
      properties: {
        note: { type: 'string', maxLength: 5, description: 'Null once erased.', nullable: true },
        count: { type: 'integer', nullable: true },
        either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    });
  });
});
