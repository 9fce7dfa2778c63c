import { runService } from '@crm/service-kit/run';

runService('analytics', async () => (await import('./analytics.service.js')).analyticsService);
