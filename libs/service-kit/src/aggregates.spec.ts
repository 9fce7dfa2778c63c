import { crmContracts } from '@crm/contracts';
import { InMemoryEventStore, type AggregateRepository, type Aggregate } from '@crm/eventsourcing';
import type { PersonalDataVault } from '@crm/privacy';
import { repositoryProviders } from './aggregates';

type Archived = { type: 'ContactArchived'; data: { contactId: string; at: string } };
const archiving: Aggregate<object, Archived, Archived> = {
  name: 'archiving',
  decider: { initialState: {}, decide: (command) => [command], evolve: (state) => state },
};
// ContactArchived carries no personal data: sealing leaves it as it is.
const vault = { seal: async (events: unknown[]) => events, toDomainEvents: async (events: unknown[]) => events };

describe('the repository of a declared aggregate', () => {
  it('appends its events with the ids the handler gave: a second run of a timer appends nothing more', async () => {
    const store = new InMemoryEventStore();
    const [provider] = repositoryProviders([archiving], crmContracts);
    const repository = provider.useFactory(store, vault as unknown as PersonalDataVault) as AggregateRepository<
      object,
      Archived,
      Archived
    >;
    const eventId = '6f1c8a52-3c1b-5d7e-8f00-1a2b3c4d5e6f';
    const command: Archived = {
      type: 'ContactArchived',
      data: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2026-01-01T00:00:00.000Z' },
    };
    await repository.handle('a', command, { eventIds: () => eventId });
    await repository.handle('a', command, { eventIds: () => eventId });
    expect((await store.readStream('archiving-a')).map((event) => event.id)).toEqual([eventId]);
  });
});
