import { ADA, ADA_TWIN, ENGINES } from '../testing/events';
import type { LiveProfile } from '../domain/customer-profile';
import { profileView } from './views';

describe('profile view', () => {
  const own: LiveProfile = {
    contactId: ADA,
    status: 'active',
    name: { given: 'Ada', family: 'Lovelace' },
    tags: ['vip'],
    companyLinks: [
      { companyId: ENGINES, role: 'CTO', linkedAt: '2025-02-01T00:00:00.000Z' },
      { companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e78', linkedAt: '2025-02-02T00:00:00.000Z' },
    ],
    consents: [],
    interactions: { email: { count: 1, lastAt: '2025-02-01T00:00:00.000Z' } },
    firstSeenAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: '2025-02-01T00:00:00.000Z',
  };

  it('shows the combined activity, totals the interactions, and names the linked companies it knows', () => {
    const view = profileView(
      { customerId: ADA, contactIds: [ADA, ADA_TWIN] },
      own,
      {
        interactions: {
          email: { count: 3, lastAt: '2025-03-01T00:00:00.000Z' },
          note: { count: 1, lastAt: '2024-01-01T00:00:00.000Z' },
        },
        firstSeenAt: '2024-01-01T00:00:00.000Z',
        lastSeenAt: '2025-03-01T00:00:00.000Z',
      },
      [{ companyId: ENGINES, name: 'Analytical Engines', domains: [], status: 'active', updatedAt: '2025-01-01T00:00:00.000Z' }],
      { lifetimeValue: [{ amountMinor: 1999, currency: 'EUR' }], products: [], openDeals: [] },
    );
    expect(view).toMatchObject({
      customerId: ADA,
      contactIds: [ADA, ADA_TWIN],
      name: { given: 'Ada' },
      interactions: { total: 4, byChannel: { email: { count: 3 } } },
      firstSeenAt: '2024-01-01T00:00:00.000Z',
      sales: { lifetimeValue: [{ amountMinor: 1999, currency: 'EUR' }] },
      companies: [
        { companyId: ENGINES, role: 'CTO', name: 'Analytical Engines', companyStatus: 'active' },
        { companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e78' },
      ],
    });
    expect(view).not.toHaveProperty('contactId');
  });
});
