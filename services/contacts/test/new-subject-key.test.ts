import { Pool } from 'pg';
import { crmContracts, type ContactProfile } from '@crm/contracts';
import { newId, PostgresEventStore, type AggregateRepository } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { newDataKey, PersonalDataVault, PostgresSubjectKeyStore, SubjectErasedError } from '@crm/privacy';
import { repositoryProviders } from '@crm/service-kit/aggregates';
import { ContactAlreadyExists, contactAggregate } from '../src/domain/contact';

/**
 * A contact created through the kit's repository: the contact's new subject key and the ContactCreated event go to
 * PostgreSQL in one statement (one round trip, one commit), and every way that statement can refuse leaves nothing
 * half-made: no event sealed with a key that was not stored, no key that keeps an erased person's data readable.
 */
describe('a create writes its subject key and its events in one statement', () => {
  const schema = uniqueSchema('contacts_newkey');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const keys = new PostgresSubjectKeyStore(pool, newDataKey(), schema, { besideEvents: true });
  const store = new PostgresEventStore({ pool, schema });
  const vault = new PersonalDataVault(crmContracts, keys);
  const provider = repositoryProviders([contactAggregate], crmContracts)[0];
  type Contacts = AggregateRepository<unknown, unknown, { type: string; data: { name?: unknown } }>;
  const contacts = provider.useFactory(store, vault) as Contacts;
  const statements: string[] = [];

  const profile = (given: string): ContactProfile => ({
    name: { given, family: 'Lovelace' },
    emails: [],
    phones: [],
    addresses: [],
    lifecycleStage: 'lead',
    tags: [],
    customFields: [],
  });
  const create = (contactId: string, given = 'Ada') =>
    contacts.handle(
      contactId,
      { type: 'CreateContact', data: { contactId, profile: profile(given), now: new Date().toISOString() } },
      { expectNew: true },
    );
  const nameOf = async (contactId: string) => (await contacts.history(contactId)).map(({ event }) => event.data.name);
  const keyRow = async (contactId: string) =>
    (await pool.query(`SELECT wrapped_key FROM "${schema}".subject_keys WHERE subject_id = $1`, [contactId])).rows;

  beforeAll(async () => {
    await store.migrate();
    await keys.migrate();
    const query = pool.query.bind(pool);
    pool.query = ((config: unknown, ...rest: unknown[]) => {
      statements.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as typeof pool.query;
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool.end();
  });
  beforeEach(() => (statements.length = 0));

  it('makes one statement of a create, its key stored, its name sealed with it', async () => {
    const id = newId();
    await create(id);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('subject_keys');
    expect(await keyRow(id)).toHaveLength(1);
    expect(await nameOf(id)).toEqual([{ given: 'Ada', family: 'Lovelace' }]);
  });

  it('uses the key a failed append left behind, rather than one that was never stored', async () => {
    const id = newId();
    const left = await keys.keyFor(id); // as a create whose append failed after its key was made would leave it
    await create(id);
    expect((await keys.keysOf([id])).get(id)).toEqual(left);
    expect(await nameOf(id)).toEqual([{ given: 'Ada', family: 'Lovelace' }]);
  });

  it('refuses a taken id (a concurrency conflict on the stream) and leaves the first contact readable', async () => {
    const id = newId();
    await create(id, 'Ada');
    await expect(create(id, 'Grace')).rejects.toThrow(ContactAlreadyExists);
    expect(await nameOf(id)).toEqual([{ given: 'Ada', family: 'Lovelace' }]);
  });

  it('lets one of concurrent creates of one id win, its key the one stored', async () => {
    const id = newId();
    const results = await Promise.allSettled(['A', 'B', 'C', 'D'].map((given) => create(id, given)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ContactAlreadyExists);
    const names = await nameOf(id);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatchObject({ family: 'Lovelace' }); // opened, so sealed with the stored key
  });

  it('writes nothing for an erased person: no event, no new key', async () => {
    const id = newId();
    await keys.erase(id);
    await expect(create(id)).rejects.toThrow(SubjectErasedError);
    expect(await store.readStream(`contact-${id}`)).toEqual([]);
    expect(await keyRow(id)).toEqual([{ wrapped_key: null }]);
  });
});
