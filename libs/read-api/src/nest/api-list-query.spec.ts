import 'reflect-metadata';
import { ApiListQuery } from './api-list-query';
import { describeListQuery } from '../list-query/describe';
import { defineListQuery } from '../list-query/list-query';

// @nestjs/swagger's key for ApiQuery metadata (its constants are not exported).
const API_PARAMETERS = 'swagger/apiParameters';
const API_RESPONSES = 'swagger/apiResponse';

const contacts = defineListQuery({
  fields: {
    lifecycleStage: { type: 'enum', values: ['lead', 'customer'], description: 'Where they are in the funnel' },
    tags: { type: 'string', array: true, operators: ['eq', 'in'] },
    createdAt: { type: 'date-time' },
    note: { type: 'string', operators: ['exists'] },
  },
  sortable: ['createdAt'],
  defaultSort: '-createdAt',
  search: { paths: ['search.name'] },
});

describe('describeListQuery', () => {
  it('is a markdown table of every parameter', () => {
    const markdown = describeListQuery(contacts);
    expect(markdown).toContain('`?field[operator]=value`');
    expect(markdown).toContain(
      '| `lifecycleStage` | one of `lead`, `customer` | eq, neq, in, exists. Where they are in the funnel |',
    );
    expect(markdown).toContain('| `tags` | string, list (matches any element) | eq, in |');
    expect(markdown).toContain('| `createdAt` | date-time (RFC 3339) | eq, neq, in, gt, gte, lt, lte, exists; sortable |');
    expect(markdown).toContain('| `limit` | integer 1-200 | Page size, default 50 |');
    expect(markdown).toContain(
      '| `sort` | comma list | By createdAt; `-` before a field for descending. Several keys, each field once, are separated by commas: `-createdAt,familyName`; default `-createdAt` |',
    );
    expect(markdown).toContain('| `q` | string |');
  });
});

describe('ApiListQuery', () => {
  it("declares each field's equality form with its other operators, and the reserved keys", () => {
    class Controller {
      @ApiListQuery(contacts)
      list(): void {}
    }
    const parameters = Reflect.getMetadata(API_PARAMETERS, Controller.prototype.list) as {
      name: string;
      description: string;
      schema: object;
    }[];
    const byName = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter]));
    expect(Object.keys(byName).sort()).toEqual([
      'createdAt',
      'cursor',
      'lifecycleStage',
      'limit',
      'note[exists]',
      'position',
      'q',
      'sort',
      'tags',
    ]);
    expect(byName.createdAt).toMatchObject({
      description:
        'Equals. Also `createdAt[neq]`, `createdAt[in]`, `createdAt[gt]`, `createdAt[gte]`, `createdAt[lt]`, `createdAt[lte]`, `createdAt[exists]`.',
      schema: { type: 'string', format: 'date-time' },
    });
    expect(byName.lifecycleStage).toMatchObject({ schema: { type: 'string', enum: ['lead', 'customer'] } });
    expect(byName.limit).toMatchObject({ schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
  });

  const documented = (listQuery: typeof contacts, options?: Parameters<typeof ApiListQuery>[1]) => {
    class Controller {
      @ApiListQuery(listQuery, options)
      list(): void {}
    }
    const parameters = Reflect.getMetadata(API_PARAMETERS, Controller.prototype.list) as Record<string, unknown>[];
    const responses = Reflect.getMetadata(API_RESPONSES, Controller.prototype.list) as Record<string, Record<string, unknown>>;
    return { byName: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter])), responses };
  };

  it('holds each parameter to what the parser takes, and marks cursor and position as only from a response', () => {
    const { byName } = documented(contacts);
    expect(byName.cursor).toMatchObject({ 'x-crm-opaque': true, schema: { pattern: '^[A-Za-z0-9_-]+$', minLength: 1 } });
    expect(byName.position).toMatchObject({ 'x-crm-opaque': true, schema: { maxLength: 1000 } });
    expect(byName.sort).toMatchObject({ schema: { type: 'string', enum: ['createdAt', '-createdAt'], default: '-createdAt' } });
    expect(byName['note[exists]']).toMatchObject({ schema: { type: 'string', enum: ['true', 'false'] } });
    expect(byName.tags).toMatchObject({ schema: { type: 'string', minLength: 1, maxLength: 200 } });
  });

  it("documents the endpoint's own keys, an export's lack of pages, the 503 of a position and the page", () => {
    const merged = defineListQuery({
      fields: { status: { type: 'enum', values: ['active'] } },
      extraKeys: { includeMerged: { values: ['true', 'false'], description: 'Merged ones too' } },
    });
    const { byName, responses } = documented(merged, { items: { $ref: '#/components/schemas/Item' } });
    expect(byName.includeMerged).toMatchObject({
      description: 'Merged ones too',
      schema: { type: 'string', enum: ['true', 'false'] },
    });
    expect(responses['503']).toMatchObject({ headers: { 'Retry-After': { required: true } } });
    expect(responses['200']).toMatchObject({
      content: {
        'application/json': {
          schema: { required: ['items'], properties: { items: { items: { $ref: '#/components/schemas/Item' } } } },
        },
      },
    });
    expect(Object.keys(documented(merged, { paged: false }).byName).sort()).toEqual(['includeMerged', 'position', 'status']);
  });
});
