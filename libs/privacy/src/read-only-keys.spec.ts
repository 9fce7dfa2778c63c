import { crmContracts } from '@crm/contracts';
import { InMemorySubjectKeyStore } from './in-memory-key-store';
import { PersonalDataVault } from './vault';
import { ReadOnlySubjectKeys, ReadOnlySubjectKeysError } from './read-only-keys';

const ADA = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';

describe('read-only subject keys (a service that only shows personal data)', () => {
  const renamed = {
    type: 'ContactRenamed',
    dataVersion: 1,
    data: { contactId: ADA, name: { given: 'Ada', family: 'King' }, at: '2025-03-02T14:05:00.000Z' },
  };

  it('open what the contacts service sealed, and null once the person is erased', async () => {
    const sealerKeys = new InMemorySubjectKeyStore();
    const [sealed] = await new PersonalDataVault(crmContracts, sealerKeys).seal([renamed]);
    const reader = new PersonalDataVault(crmContracts, new ReadOnlySubjectKeys(sealerKeys));
    expect((await reader.open([sealed]))[0].data).toEqual(renamed.data);
    await sealerKeys.erase(ADA);
    expect((await reader.open([sealed]))[0].data).toMatchObject({ name: null });
  });

  it('never make a key (so never seal) nor erase one', async () => {
    const sealerKeys = new InMemorySubjectKeyStore();
    const reader = new PersonalDataVault(crmContracts, new ReadOnlySubjectKeys(sealerKeys));
    await expect(reader.seal([renamed])).rejects.toThrow(ReadOnlySubjectKeysError);
    await expect(reader.erase(ADA)).rejects.toThrow(ReadOnlySubjectKeysError);
    expect(await sealerKeys.keysOf([ADA])).toEqual(new Map());
  });
});
