import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  ContactCreated,
  crmContracts,
  isRedacted,
  wireSchema,
  type ContactCreatedData,
  type ContactCreatedV1Data,
} from '@crm/contracts';
import { isSealed } from './cipher';
import { SubjectErasedError } from './key-store';
import { InMemorySubjectKeyStore } from './in-memory-key-store';
import { PersonalDataVault } from './vault';

const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const created: ContactCreatedData = {
  contactId,
  name: { given: 'Ada', family: 'Lovelace' },
  emails: [{ address: 'ada@example.com', primary: true }],
  phones: [],
  addresses: [],
  lifecycleStage: 'lead',
  tags: [],
  customFields: [],
  at: '2025-01-15T09:30:00.000Z',
};
const createdV1: ContactCreatedV1Data = { contactId, fullName: 'Ada Lovelace', email: 'ada@example.com', at: created.at };
const CURRENT = ContactCreated.version;
const stored = (data: unknown, schemaVersion: number) => ({ type: 'ContactCreated', data, metadata: { schemaVersion } });

/** Whether data is what the AsyncAPI document says Kafka carries for ContactCreated (its current version). */
const asPublished = (() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['x-pii', 'x-pii-opened']);
  const validate = ajv.compile(wireSchema(ContactCreated));
  return (data: unknown) => [validate(data), validate.errors];
})();

describe('PersonalDataVault', () => {
  describe('sealNew: a new customer sealed with a new key, stored only by its write', () => {
    const current = {
      type: 'ContactCreated',
      data: created,
      metadata: { schemaVersion: crmContracts.currentVersion('ContactCreated') },
    };

    it('seals with a key that opens nothing until its write stored it', async () => {
      const vault = new PersonalDataVault(crmContracts, new InMemorySubjectKeyStore());
      const { events, keyWrite } = await vault.sealNew([current], contactId);
      expect(JSON.stringify(events[0].data)).not.toContain('ada@example.com');
      const { pii } = crmContracts.get('ContactCreated', current.metadata.schemaVersion);
      expect(isRedacted((await vault.open(events))[0].data, pii)).toBe(true); // no stored key: opens as erased
      expect(await keyWrite?.write()).toBe(true);
      expect((await vault.open(events))[0].data).toEqual(created);
    });

    it('proposes no key for events about someone else, and its write refuses a customer with a key or erased', async () => {
      const keys = new InMemorySubjectKeyStore();
      const vault = new PersonalDataVault(crmContracts, keys);
      expect((await vault.sealNew([current], 'someone-else')).keyWrite).toBeUndefined();
      await keys.keyFor(contactId);
      expect(await (await vault.sealNew([current], contactId)).keyWrite?.write()).toBe(false);
      await keys.erase(contactId);
      expect(await (await vault.sealNew([current], contactId)).keyWrite?.write()).toBe(false);
    });
  });

  let keys: InMemorySubjectKeyStore;
  let vault: PersonalDataVault;
  beforeEach(() => {
    keys = new InMemorySubjectKeyStore();
    vault = new PersonalDataVault(crmContracts, keys);
  });

  it('seals exactly the personal data, and opens it again', async () => {
    const [sealed] = await vault.seal([stored(created, CURRENT)]);
    const data = sealed.data as Record<string, unknown>;
    expect(data.contactId).toBe(contactId);
    expect(data.at).toBe(created.at);
    expect(isSealed(data.name)).toBe(true);
    expect(isSealed(data.emails)).toBe(true);
    expect(isSealed(data.phones)).toBe(true);
    expect(JSON.stringify(sealed)).not.toMatch(/Ada|Lovelace|ada@/);
    const [opened] = await vault.open([sealed]);
    expect(opened).toEqual(stored(created, CURRENT));
    expect(isRedacted(opened.data, ContactCreated.pii)).toBe(false);
    expect(await vault.toDomainEvents([sealed])).toEqual([{ type: 'ContactCreated', data: created }]);
  });

  it('opens an erased person’s data as null, and seals nothing new for them', async () => {
    const [sealed] = await vault.seal([stored(created, CURRENT)]);
    await vault.erase(contactId);
    const [opened] = await vault.open([sealed]);
    expect(opened).toEqual(
      stored({ ...created, name: null, emails: null, phones: null, addresses: null, customFields: null }, CURRENT),
    );
    expect(isRedacted(opened.data, ContactCreated.pii)).toBe(true);
    expect(await vault.toDomainEvents([sealed])).toEqual([
      {
        type: 'ContactCreated',
        data: { ...created, name: null, emails: null, phones: null, addresses: null, customFields: null },
      },
    ]);
    await expect(vault.seal([stored(created, CURRENT)])).rejects.toThrow(SubjectErasedError);
  });

  it('seals a value for one customer that opens only with their key, and not after their erasure', async () => {
    const sealed = await vault.sealFor(contactId, '{"name":"Ada Lovelace"}');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toMatch(/Ada/);
    expect(await vault.openFor(contactId, sealed)).toBe('{"name":"Ada Lovelace"}');
    await vault.sealFor('someone-else', 'x');
    await expect(vault.openFor('someone-else', sealed)).rejects.toThrow(/does not open/);
    await vault.erase(contactId);
    expect(await vault.openFor(contactId, sealed)).toBeUndefined();
    await expect(vault.sealFor(contactId, 'again')).rejects.toThrow(SubjectErasedError);
  });

  it('publishes current versions as stored, and upcasts an old one with its data sealed again', async () => {
    const [current, old] = [...(await vault.seal([stored(created, CURRENT)])), ...(await vault.seal([stored(createdV1, 1)]))];
    const published = await vault.toPublished([current, old]);
    expect(published[0]).toBe(current);
    expect(published[1].metadata.schemaVersion).toBe(CURRENT);
    expect(isSealed((published[1].data as Record<string, unknown>).name)).toBe(true);
    for (const event of published) expect(asPublished(event.data)).toEqual([true, null]);
    expect(await vault.toDomainEvents(published)).toEqual([
      { type: 'ContactCreated', data: created },
      { type: 'ContactCreated', data: created },
    ]);
  });

  it('publishes an erased person’s old events upcast, with null for every personal value', async () => {
    const [old] = await vault.seal([stored(createdV1, 1)]);
    await vault.erase(contactId);
    const [published] = await vault.toPublished([old]);
    // Upcast from v1: what v1 held is null, and so are the personal values later versions added (phones...), not empty lists in the clear.
    const nulls = { name: null, emails: null, phones: null, addresses: null, customFields: null };
    expect(published).toEqual(stored({ ...created, ...nulls }, CURRENT));
    expect(asPublished(published.data)).toEqual([true, null]);
    expect(await vault.toDomainEvents([published])).toEqual([{ type: 'ContactCreated', data: { ...created, ...nulls } }]);
  });

  it('passes plaintext stored before sealing existed through', async () => {
    expect(await vault.toDomainEvents([stored(created, CURRENT)])).toEqual([{ type: 'ContactCreated', data: created }]);
  });
});
