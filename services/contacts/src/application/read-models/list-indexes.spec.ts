import { indexNeeds, unindexedQueries, type ListQuery } from '@crm/read-api';
import { companyListQuery } from './company-list';
import { contactInteractionsQuery } from './contact-interactions';
import { contactListQuery } from './contact-list';

const lists: [string, ListQuery][] = [
  ['GET /v1/contacts', contactListQuery],
  ['GET /v1/companies', companyListQuery],
  ['GET /v1/contacts/{id}/interactions', contactInteractionsQuery],
];
const needsOf = (list: ListQuery) => indexNeeds(list.compiled, list.scope).map((need) => need.query);

describe('the indexes of the read models', () => {
  it.each(lists)('serve every filter, sort and search of %s', (_, list) => {
    expect(list.readModel).toBeDefined();
    expect(unindexedQueries(list.compiled, list.readModel!.indexes ?? [], list.scope)).toEqual([]);
  });

  it('cover what the contacts and companies lists are filtered and sorted by', () => {
    expect(needsOf(contactListQuery)).toEqual(
      expect.arrayContaining(
        [
          ...['status', 'givenName', 'familyName', 'jobTitle', 'country', 'locale', 'source', 'ownerId', 'tags', 'mergedInto'],
          ...['updatedAt', 'createdAt', 'lifecycleStage', 'email', 'phone', 'companyId'],
        ]
          .map((field) => `filter ${field}`)
          .concat([
            'sort givenName',
            'sort familyName',
            'sort updatedAt',
            'sort createdAt',
            'sort lifecycleStage',
            'search search',
          ]),
      ),
    );
    expect(needsOf(companyListQuery)).toEqual(
      expect.arrayContaining(
        ['industry', 'size', 'status', 'createdAt', 'updatedAt', 'name', 'domain']
          .map((field) => `filter ${field}`)
          .concat(['sort name', 'sort createdAt', 'sort updatedAt', 'default sort name']),
      ),
    );
  });
});
