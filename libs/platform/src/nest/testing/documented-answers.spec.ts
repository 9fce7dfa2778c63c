import { documentedAnswers } from './documented-answers';

const document = {
  openapi: '3.0.3',
  paths: {
    '/v1/items/{id}': {
      get: {
        responses: {
          200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Item: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'at'],
        properties: {
          id: { type: 'string', format: 'uuid', example: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40' },
          at: { type: 'string', format: 'date-time' },
          note: { type: 'string', nullable: true, 'x-pii': true },
        },
      },
    },
  },
};

describe('documentedAnswers', () => {
  const errorsOf = documentedAnswers(document);
  const item = { id: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2026-01-01T00:00:00Z' };

  it('takes an answer as its document describes it, nullable and extensions included', () => {
    expect(errorsOf('get', '/v1/items/{id}', 200, { ...item, note: null })).toEqual([]);
  });

  it('names what differs: a format, a missing or unknown property; and an answer the document has no schema for', () => {
    expect(errorsOf('get', '/v1/items/{id}', 200, { id: 'x', extra: 1 })).toEqual([
      '/ must have required property \'at\' {"missingProperty":"at"}',
      '/ must NOT have additional properties {"additionalProperty":"extra"}',
      '/id must match format "uuid" {"format":"uuid"}',
    ]);
    expect(errorsOf('get', '/v1/items/{id}', 201, item)).toEqual(['no JSON schema for GET /v1/items/{id} 201']);
  });
});
