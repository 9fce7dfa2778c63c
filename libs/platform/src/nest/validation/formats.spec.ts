import 'reflect-metadata';
import { IsCountryCode, IsEmailAddress, isTimestamp, IsUuid, ParseIdPipe } from './formats';
import { inputErrors } from './validation.pipe';
import { plainToInstance } from 'class-transformer';

class Input {
  @IsUuid() id!: string;
  @IsUuid({ each: true }) others!: string[];
  @IsEmailAddress() email!: string;
  @IsCountryCode() country!: string;
}

const valid = {
  id: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
  others: ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41'],
  email: 'ada@example.com',
  country: 'CH',
};
const fieldsOf = (input: object) => inputErrors(Input, { ...valid, ...input }).map((e) => e.field);

describe('value formats the event contracts share', () => {
  it('takes UUIDs in any case and keeps them in lower case, as ids are keys', async () => {
    expect(fieldsOf({ id: valid.id.toUpperCase(), others: [valid.id.toUpperCase()] })).toEqual([]);
    const input = plainToInstance(Input, { ...valid, id: valid.id.toUpperCase(), others: [valid.id.toUpperCase()] });
    expect([input.id, ...input.others]).toEqual([valid.id, valid.id]);
    expect(fieldsOf({ id: 'nope', others: ['nope'] })).toEqual(['id', 'others']);
    expect(await new ParseIdPipe().transform(valid.id.toUpperCase(), { type: 'param' })).toBe(valid.id);
  });

  it('takes e-mail addresses only as the contracts take them: ASCII, no quoted local parts', () => {
    expect(fieldsOf({ email: 'a.b+c@mail.example.co' })).toEqual([]);
    for (const email of [
      'jöhn@example.com',
      'ada@exämple.com',
      '"a b"@example.com',
      'ada@example',
      'nope',
      `${'a'.repeat(250)}@x.ch`,
    ]) {
      expect(fieldsOf({ email })).toEqual(['email']);
    }
  });

  it('takes only assigned ISO 3166-1 alpha-2 codes, in upper case', () => {
    for (const country of ['CH', 'GB', 'US', 'AQ']) expect(fieldsOf({ country })).toEqual([]);
    for (const country of ['XX', 'ZZ', 'UK', 'ch', 'CHE', '']) expect(fieldsOf({ country })).toEqual(['country']);
  });

  it('takes RFC 3339 times that convert to a UTC timestamp with a four-digit year', () => {
    for (const time of ['2025-01-31T09:30:00Z', '2025-01-31T09:30:00.123456+01:00', '2025-01-31', '1815-12-10T00:00:00Z']) {
      expect(isTimestamp(time)).toBe(true);
    }
    for (const time of [
      '2009-W01-1', // a week date: no Date parses it
      '2009-123', // an ordinal date
      '-2025-01-01', // a signed year, which Date reads as another
      '0000-01-01T00:30:00+01:00', // year -1 in UTC
      '2025-02-30T00:00:00Z',
      '2025-01-31 09:30:00Z',
      null,
      20250131,
    ]) {
      expect(isTimestamp(time)).toBe(false);
    }
  });
});
