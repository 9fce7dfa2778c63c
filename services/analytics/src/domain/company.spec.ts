import { ENGINES } from '../testing/events';
import { evolveCompany } from './company';

describe('companies', () => {
  const created = evolveCompany(undefined, {
    type: 'CompanyCreated',
    data: {
      companyId: ENGINES,
      name: 'Analytical Engines',
      domains: ['engines.example'],
      industry: 'Machinery',
      addresses: [],
      at: '2025-01-10T09:00:00.000Z',
    },
  })!;

  it('are created, renamed, cleared and archived', () => {
    const updated = evolveCompany(created, {
      type: 'CompanyUpdated',
      data: {
        companyId: ENGINES,
        changes: { name: 'Analytical Engines Ltd', size: '11-50' },
        cleared: ['industry'],
        at: '2025-02-01T00:00:00.000Z',
      },
    });
    expect(updated).toEqual({
      companyId: ENGINES,
      name: 'Analytical Engines Ltd',
      domains: ['engines.example'],
      size: '11-50',
      status: 'active',
      createdAt: '2025-01-10T09:00:00.000Z',
      updatedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(
      evolveCompany(updated!, { type: 'CompanyArchived', data: { companyId: ENGINES, at: '2025-03-01T00:00:00.000Z' } }),
    ).toMatchObject({
      status: 'archived',
    });
  });

  it('are not made up from an update whose creation never arrived', () => {
    expect(
      evolveCompany(undefined, { type: 'CompanyArchived', data: { companyId: ENGINES, at: '2025-03-01T00:00:00.000Z' } }),
    ).toBeNull();
  });
});
