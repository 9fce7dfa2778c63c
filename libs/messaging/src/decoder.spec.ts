import { ContactCreatedV1, ContactRenamed, crmContracts } from '@crm/contracts';
import type { ConsumedEvent } from './consumer';
import { EventDecoder } from './decoder';

const contactId = ContactRenamed.example.contactId;

function consumed(offset: number, type: string, dataVersion: number, data: unknown): ConsumedEvent {
  return {
    id: `e-${offset}`,
    type,
    source: '/contacts',
    subject: contactId,
    time: '2025-01-15T09:30:00.000Z',
    dataVersion,
    data,
    stream: `contact-${contactId}`,
    revision: offset,
    position: { commit: BigInt(offset), prepare: BigInt(offset) },
    topic: 'crm.contacts',
    partition: 0,
    offset: String(offset),
  };
}

const SEALED = 'sealed:name';
const renamed = (offset: number) =>
  consumed(offset, 'crm.contacts.ContactRenamed', 1, { ...ContactRenamed.example, name: SEALED });

/** Opens the stand-in sealed value, or nulls it as an erased person's; counts the batches it was asked to open. */
function fakeVault(erased = false) {
  const batches: string[][] = [];
  const open = async (events: ConsumedEvent[]) => {
    batches.push(events.map((event) => event.id));
    return events.map((event) => {
      const data = event.data as Record<string, unknown>;
      return data.name === SEALED ? { ...event, data: { ...data, name: erased ? null : ContactRenamed.example.name } } : event;
    });
  };
  return { batches, open };
}

describe('EventDecoder', () => {
  it('names events by their contract, opens their personal data, keeps the sealed data beside it', async () => {
    const vault = fakeVault();
    const [event] = await new EventDecoder({ registry: crmContracts, openPersonalData: vault.open }).decode([renamed(0)]);
    expect(event).toMatchObject({
      type: 'ContactRenamed',
      service: 'contacts',
      data: ContactRenamed.example,
      personalDataErased: false,
      sealed: { version: 1, data: { name: SEALED } },
      stream: `contact-${contactId}`,
      revision: 0,
    });
  });

  it('upcasts older versions to the current one', async () => {
    const [event] = await new EventDecoder({ registry: crmContracts }).decode([
      consumed(0, 'crm.contacts.ContactCreated', 1, ContactCreatedV1.example),
    ]);
    expect(event.data).toMatchObject({
      contactId,
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@example.com' }],
    });
  });

  it("tells an erased person's event, whose personal data opens as null", async () => {
    const [event] = await new EventDecoder({ registry: crmContracts, openPersonalData: fakeVault(true).open }).decode([
      renamed(0),
    ]);
    expect(event).toMatchObject({ personalDataErased: true, data: { name: null } });
  });

  it('opens a batch at once, and decodes an event only once for every consumer of the process', async () => {
    const vault = fakeVault();
    const decoder = new EventDecoder({ registry: crmContracts, openPersonalData: vault.open });
    const first = await decoder.decode([renamed(0), renamed(1)]);
    const again = await decoder.decode([renamed(1), renamed(2)]);
    expect(vault.batches).toEqual([['e-0', 'e-1'], ['e-2']]);
    expect(again[0]).toBe(first[1]);
  });

  it('fails on an event that breaks its contract, and keeps no failure: a retry decodes it again', async () => {
    const broken = consumed(0, 'crm.contacts.ContactRenamed', 1, { contactId, at: 'yesterday' });
    const vault = fakeVault();
    const decoder = new EventDecoder({ registry: crmContracts, openPersonalData: vault.open });
    await expect(decoder.decode([broken])).rejects.toThrow(/ContactRenamed/);
    await expect(decoder.decode([broken])).rejects.toThrow(/ContactRenamed/);
    expect(vault.batches).toHaveLength(2);
  });

  it('fails on a type or a version this build does not know', async () => {
    const decoder = new EventDecoder({ registry: crmContracts });
    await expect(decoder.decode([consumed(0, 'crm.contacts.ContactTeleported', 1, {})])).rejects.toThrow(/ContactTeleported/);
    await expect(decoder.decode([consumed(1, 'crm.contacts.ContactRenamed', 9, {})])).rejects.toThrow(/version/i);
  });
});
