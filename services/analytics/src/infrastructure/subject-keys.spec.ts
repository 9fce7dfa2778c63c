import { crmContracts } from '@crm/contracts';
import { InMemorySubjectKeyStore, PersonalDataVault } from '@crm/privacy';
import { ADA } from '../testing/events';
import { ReadOnlySubjectKeys, ReadOnlySubjectKeysError } from './subject-keys';

describe('the read-only subject keys of analytics', () => {
  const renamed = {
    type: 'ContactRenamed',
    dataVersion: 1,
    data: { contactId: ADA, name: { given: 'Ada', family: 'King' }, at: '2025-03-02T14:05:00.000Z' },
  };

  it('open what the contacts service sealed, and null once the person is erased', async () => {
    const contactsKeys = new InMemorySubjectKeyStore();
    const [sealed] = await new PersonalDataVault(crmContracts, contactsKeys).seal([renamed]);
    const analytics = new PersonalDataVault(crmContracts, new ReadOnlySubjectKeys(contactsKeys));
    expect((await analytics.open([sealed]))[0].data).toEqual(renamed.data);
    await contactsKeys.erase(ADA);
    expect((await analytics.open([sealed]))[0].data).toMatchObject({ name: null });
  });

  it('never make a key (so never seal) nor erase one', async () => {
    const contactsKeys = new InMemorySubjectKeyStore();
    const analytics = new PersonalDataVault(crmContracts, new ReadOnlySubjectKeys(contactsKeys));
    await expect(analytics.seal([renamed])).rejects.toThrow(ReadOnlySubjectKeysError);
    await expect(analytics.erase(ADA)).rejects.toThrow(ReadOnlySubjectKeysError);
    expect(await contactsKeys.keysOf([ADA])).toEqual(new Map());
  });
});
