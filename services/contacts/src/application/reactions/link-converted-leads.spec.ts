import { LeadConversionRequested, type LeadConversionRequestedData } from '@crm/contracts';
import { AggregateRepository, InMemoryEventStore, streamOf, type Aggregate, type DomainEvent } from '@crm/eventsourcing';
import type { ReceivedEvent } from '@crm/service-kit';
import { contactAggregate, type ContactEvent } from '../../domain/contact';
import { customFieldsAggregate } from '../../domain/custom-fields';
import { leadLinkAggregate } from '../../domain/lead-link';
import { ContactLookup } from '../contact-lookup';
import { ContactProfiles } from '../contact-profiles';
import { LinkConvertedLeads } from './link-converted-leads';

const lead = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const ada = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const at = '2026-03-05T14:00:00.000Z';

/** The reaction on an in-memory store (the service's repositories but for sealing): what it appends where. */
describe('LinkConvertedLeads', () => {
  let store: InMemoryEventStore;
  let reaction: LinkConvertedLeads;
  const repository = <S, C, E extends DomainEvent>(aggregate: Aggregate<S, C, E>) =>
    new AggregateRepository(store, aggregate.decider, (id) => streamOf(aggregate, id));
  beforeEach(() => {
    store = new InMemoryEventStore();
    const contacts = repository(contactAggregate);
    reaction = new LinkConvertedLeads(
      contacts,
      repository(leadLinkAggregate),
      new ContactLookup(contacts),
      new ContactProfiles(repository(customFieldsAggregate)),
    );
  });

  const requested = (data: Partial<LeadConversionRequestedData> = {}, personalDataErased = false) =>
    ({
      type: 'LeadConversionRequested',
      data: { ...LeadConversionRequested.example, leadId: lead, ...data },
      personalDataErased,
    }) as unknown as ReceivedEvent<typeof LeadConversionRequested>;
  const types = async (stream: string) => (await store.readStream(stream)).map((event) => event.type);
  const record = (contactId: string, events: ContactEvent[]) => store.append(streamOf(contactAggregate, contactId), events);
  const adaCreated: ContactEvent = {
    type: 'ContactCreated',
    data: {
      contactId: ada,
      name: { given: 'Ada', family: 'King' },
      emails: [],
      phones: [],
      addresses: [],
      lifecycleStage: 'customer',
      tags: [],
      customFields: [],
      at,
    },
  };

  it('creates the person with the lead’s id, an opportunity from the lead’s source and owner, once', async () => {
    await reaction.link(requested());
    await reaction.link(requested());
    const [created, linked] = await store.readStream(streamOf(contactAggregate, lead));
    expect(created.data).toMatchObject({
      contactId: lead,
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@example.com', primary: true }],
      phones: [{ number: '+442071234567', primary: true }],
      source: 'campaign',
      ownerId: LeadConversionRequested.example.ownerId,
      lifecycleStage: 'opportunity',
    });
    expect(linked.data).toMatchObject({ contactId: lead, leadId: lead, attempt: 1, created: true });
    expect(await types(streamOf(contactAggregate, lead))).toEqual(['ContactCreated', 'ContactLinkedToLead']);
  });

  it('links the survivor of the contact named, its profile untouched', async () => {
    const twin = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
    const mergeId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88';
    await record(ada, [adaCreated]);
    await record(twin, [
      { ...adaCreated, data: { ...adaCreated.data, contactId: twin } } as ContactEvent,
      { type: 'ContactMergedInto', data: { contactId: twin, survivorId: ada, mergeId, at } },
    ]);
    await reaction.link(requested({ contactId: twin }));
    expect(await types(streamOf(contactAggregate, ada))).toEqual(['ContactCreated', 'ContactLinkedToLead']);
    expect(await types(streamOf(contactAggregate, lead))).toEqual([]);
  });

  it('refuses an erased or an unknown contact on the lead’s link stream, once per attempt', async () => {
    await record(ada, [adaCreated, { type: 'ContactErased', data: { contactId: ada, at } }]);
    await reaction.link(requested({ contactId: ada }));
    await reaction.link(requested({ contactId: ada }));
    await reaction.link(requested({ contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e49', attempt: 2 }));
    const refusals = (await store.readStream(streamOf(leadLinkAggregate, lead))).map((event) => event.data);
    expect(refusals).toEqual([
      expect.objectContaining({ attempt: 1, contactId: ada, reason: 'contact-erased' }),
      expect.objectContaining({ attempt: 2, reason: 'contact-not-found' }),
    ]);
    expect(await types(streamOf(contactAggregate, ada))).toEqual(['ContactCreated', 'ContactErased']);
  });

  it('answers a request whose person was erased since with the contact there, creating nobody', async () => {
    const erasedPerson = { ...LeadConversionRequested.example.person, name: null, email: null, phone: null };
    await record(lead, [
      { ...adaCreated, data: { ...adaCreated.data, contactId: lead } } as ContactEvent,
      { type: 'ContactErased', data: { contactId: lead, at } },
    ]);
    await reaction.link(requested({ contactId: lead, attempt: 2, person: erasedPerson as never }, true));
    const other = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f11';
    await reaction.link(requested({ leadId: other, person: erasedPerson as never }, true));
    expect((await store.readStream(streamOf(leadLinkAggregate, lead))).map((event) => event.data)).toEqual([
      expect.objectContaining({ attempt: 2, reason: 'contact-erased' }),
    ]);
    expect((await store.readStream(streamOf(leadLinkAggregate, other))).map((event) => event.data)).toEqual([
      expect.objectContaining({ reason: 'contact-not-found' }),
    ]);
    expect(await types(streamOf(contactAggregate, other))).toEqual([]);
  });
});
