import { SEALED_VALUE_PATTERN } from '@crm/contracts';
import { isSealed, newDataKey, openValue, parseMasterKey, PersonalDataCipherError, sealValue } from './cipher';

describe('cipher', () => {
  const key = newDataKey();

  it('seals any JSON value into a string, of the form the AsyncAPI document gives, that opens with the same key and subject', () => {
    for (const value of ['ada@example.com', { given: 'Ada', family: 'Lovelace' }, ['+441234567890'], 42]) {
      const sealed = sealValue(key, 'c-1', value);
      expect(isSealed(sealed)).toBe(true);
      expect(sealed).toMatch(new RegExp(SEALED_VALUE_PATTERN));
      expect(sealed).not.toContain('ada');
      expect(openValue(key, 'c-1', sealed)).toEqual(value);
    }
  });

  it('never seals a value the same way twice', () => {
    expect(sealValue(key, 'c-1', 'ada')).not.toBe(sealValue(key, 'c-1', 'ada'));
  });

  it('refuses another key, another subject, and tampering', () => {
    const sealed = sealValue(key, 'c-1', 'ada@example.com');
    expect(() => openValue(newDataKey(), 'c-1', sealed)).toThrow(PersonalDataCipherError);
    expect(() => openValue(key, 'c-2', sealed)).toThrow(PersonalDataCipherError);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => openValue(key, 'c-1', tampered)).toThrow(PersonalDataCipherError);
    expect(() => openValue(key, 'c-1', 'ada@example.com')).toThrow(PersonalDataCipherError);
  });

  it('takes a master key of exactly 32 bytes in base64', () => {
    expect(parseMasterKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(() => parseMasterKey(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
