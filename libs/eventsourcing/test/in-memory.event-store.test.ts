import { InMemoryEventStore } from '@crm/eventsourcing';
import { describeEventStoreContract } from '@crm/eventsourcing/testing';

describeEventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
