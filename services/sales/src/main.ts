import { runService } from '@crm/service-kit/run';

runService('sales', async () => (await import('./sales.service.js')).salesService);
