import { runService } from '@crm/service-kit/run';

runService('contacts', async () => (await import('./contacts.service.js')).contactsService);
