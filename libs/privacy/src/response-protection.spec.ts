import { crmContracts } from '@crm/contracts';
import { InMemorySubjectKeyStore } from './in-memory-key-store';
import { vaultResponseProtection } from './response-protection';
import { PersonalDataVault } from './vault';

describe('vaultResponseProtection', () => {
  const vault = new PersonalDataVault(crmContracts, new InMemorySubjectKeyStore());
  const protection = vaultResponseProtection(vault, () => 'c-1');

  it('seals a kept response with the subject’s key, opens it, and answers null for both once they are erased', async () => {
    const sealed = await protection.seal('c-1', '{"name":"Ada"}');
    expect(sealed).not.toMatch(/Ada/);
    expect(await protection.open('c-1', sealed!)).toBe('{"name":"Ada"}');
    await vault.erase('c-1');
    expect(await protection.open('c-1', sealed!)).toBeNull();
    // An expected refusal, not a failure: the idempotency store keeps a tombstone instead of logging an error.
    expect(await protection.seal('c-1', '{"name":"Ada"}')).toBeNull();
  });
});
