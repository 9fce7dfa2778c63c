import { defineService } from '@crm/service-kit';
import { registerAnalyticsProblems } from './api/problems';
import { AnalyticsApplication } from './analytics.application';
import { companiesProjection } from './application/read-models/companies';
import { customerProfileProjection } from './application/read-models/customer-profile';
import { identitiesProjection } from './application/read-models/identities';
import { dealHistoriesProjection, orderRevenueProjection, salesPipelinesProjection } from './application/read-models/sales';
import { timelineProjection } from './application/read-models/timeline';

registerAnalyticsProblems();

/**
 * The analytics service: read models only, from every service's customer events (the customer timeline and profile).
 * It opens the personal data others sealed, and never seals or erases any.
 */
export const analyticsService = defineService({
  name: 'analytics',
  title: 'CRM analytics API',
  // Every internal team reads analytics (admin passes every check anyway); not service tokens. It has no writes.
  access: { read: ['analyst', 'sales', 'support', 'marketing'], write: ['analyst'] },
  projections: [
    timelineProjection,
    customerProfileProjection,
    companiesProjection,
    identitiesProjection,
    // The sales reports'.
    salesPipelinesProjection,
    dealHistoriesProjection,
    orderRevenueProjection,
  ],
  application: AnalyticsApplication,
});
