import { SEALED_VALUE_PATTERN } from '@crm/contracts';
import { isSealed, newDataKey, openValue, parseMasterKey, PersonalDataCipherError, RandomBlocks, sealValue } from './cipher';

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

  it('never uses an IV twice, across the blocks its random bytes are drawn in', () => {
    const ivOf = (sealed: string) => Buffer.from(sealed.slice('pii:v1:'.length), 'base64url').subarray(0, 12).toString('hex');
    const ivs = new Set(Array.from({ length: 2_000 }, () => ivOf(sealValue(key, 'c-1', 'ada')))); // about 6 blocks of 4 KiB
    expect(ivs.size).toBe(2_000);
  });

  it('hands out each drawn byte once: slices follow each other, a new block when one is used up, none kept across', () => {
    let counter = 0;
    const draws: number[] = [];
    const numbered = (size: number) => (draws.push(size), Buffer.from(Array.from({ length: size }, () => counter++ % 256)));
    const blocks = new RandomBlocks(32, numbered);
    const taken = [blocks.take(12), blocks.take(12), blocks.take(12), blocks.take(40)];
    expect(taken.map((slice) => [...slice])).toEqual([
      Array.from({ length: 12 }, (_, i) => i),
      Array.from({ length: 12 }, (_, i) => 12 + i),
      Array.from({ length: 12 }, (_, i) => 32 + i), // the 8 bytes left in the first block are not enough: never split, never reused
      Array.from({ length: 40 }, (_, i) => 64 + i), // larger than a block: drawn on its own
    ]);
    expect(draws).toEqual([32, 32, 40]);
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
