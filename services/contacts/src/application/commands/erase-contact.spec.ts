import { AggregateRepository, InMemoryEventStore, streamOf } from '@crm/eventsourcing';
import type { IdempotencyStore } from '@crm/idempotency';
import type { PersonalDataVault } from '@crm/privacy';
import type { RepositoryOf } from '@crm/service-kit';
import { contactAggregate, type ContactEvent } from '../../domain/contact';
import { ContactLookup } from '../contact-lookup';
import { EraseContact, EraseContactHandler } from './erase-contact';

const ada = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const [lead, lateLead] = ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f11'];
const at = '2026-03-05T14:00:00.000Z';
const linked = (leadId: string): ContactEvent => ({
  type: 'ContactLinkedToLead',
  data: { contactId: ada, leadId, attempt: 1, created: false, at },
});

/** The erasure's keys and its event, on an in-memory store; the vault and the idempotency store only record. */
describe('EraseContact and the leads linked to the contact (ADR 0020)', () => {
  const store = new InMemoryEventStore();
  const contacts: RepositoryOf<typeof contactAggregate> = new AggregateRepository(store, contactAggregate.decider, (id) =>
    streamOf(contactAggregate, id),
  );
  const erased: string[] = [];
  let onErase: (subject: string) => Promise<void> = async () => undefined;
  const vault = {
    erase: async (subject: string) => {
      erased.push(subject);
      await onErase(subject);
    },
  } as unknown as PersonalDataVault;
  const idempotency = { forgetSubject: async () => 0 } as unknown as IdempotencyStore;
  const handler = new EraseContactHandler(contacts, new ContactLookup(contacts), vault, idempotency);

  it('erases the key of every lead linked on the contact’s stream, reading them again when one was linked meanwhile', async () => {
    await store.append(streamOf(contactAggregate, ada), [
      {
        type: 'ContactCreated',
        data: {
          contactId: ada,
          name: { given: 'Ada', family: 'Lovelace' },
          emails: [],
          phones: [],
          addresses: [],
          lifecycleStage: 'lead',
          tags: [],
          customFields: [],
          at,
        },
      },
      linked(lead),
    ]);
    // A conversion links another lead while the keys read first are being erased.
    onErase = async () => {
      onErase = async () => undefined;
      await store.append(streamOf(contactAggregate, ada), [linked(lateLead)]);
    };

    await handler.execute(new EraseContact(ada, at));

    expect(erased).toEqual([ada, lead, ada, lead, lateLead]);
    const types = (await store.readStream(streamOf(contactAggregate, ada))).map((event) => event.type);
    expect(types).toEqual(['ContactCreated', 'ContactLinkedToLead', 'ContactLinkedToLead', 'ContactErased']);
  });
});
