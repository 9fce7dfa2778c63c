import { compileDefinition, type FieldDefinition } from './definition';
import { parseDate, parseDateTime, parseValue } from './values';

const field = (definition: FieldDefinition) => compileDefinition({ fields: { f: definition } }).fields.get('f')!;
const accepted = (definition: FieldDefinition, raw: string) => {
  const parsed = parseValue(field(definition), raw);
  if (!parsed.ok) throw new Error(`${raw} refused: ${parsed.messages.join('; ')}`);
  return parsed.value;
};
const refusal = (definition: FieldDefinition, raw: string) => {
  const parsed = parseValue(field(definition), raw);
  return parsed.ok ? `accepted ${String(parsed.value)}` : parsed.messages.join('; ');
};

describe('parseValue', () => {
  it('keeps strings as sent, normalized when the field says so, up to 200 characters', () => {
    expect(accepted({ type: 'string' }, 'Ada Lovelace')).toBe('Ada Lovelace');
    expect(accepted({ type: 'string' }, '{"$gt":""}')).toBe('{"$gt":""}');
    expect(accepted({ type: 'string', normalize: (v) => v.trim().toLowerCase() }, ' Ada@Example.COM ')).toBe('ada@example.com');
    expect(accepted({ type: 'string' }, 'x'.repeat(200))).toHaveLength(200);
    expect(refusal({ type: 'string' }, 'x'.repeat(201))).toBe('must be at most 200 characters');
    expect(refusal({ type: 'string', maxLength: 5 }, 'abcdef')).toBe('must be at most 5 characters');
    expect(refusal({ type: 'string' }, '')).toBe('must not be empty');
    expect(refusal({ type: 'string', normalize: (v) => v.trim() }, '   ')).toBe('must not be empty');
    expect(refusal({ type: 'string' }, 'a\u0000b')).toBe('must not contain control characters');
    expect(refusal({ type: 'string' }, 'a\nb')).toBe('must not contain control characters');
  });

  it('takes enum values by exact membership', () => {
    const stage: FieldDefinition = { type: 'enum', values: ['lead', 'customer'] };
    expect(accepted(stage, 'lead')).toBe('lead');
    expect(refusal(stage, 'Lead')).toBe('must be one of: lead, customer');
    expect(refusal(stage, 'constructor')).toBe('must be one of: lead, customer');
  });

  it('takes UUIDs in either case and lowercases them', () => {
    expect(accepted({ type: 'uuid' }, '0192F6A0-7E3B-7C2A-9F00-0123456789AB')).toBe('0192f6a0-7e3b-7c2a-9f00-0123456789ab');
    expect(refusal({ type: 'uuid' }, '0192f6a0-7e3b-7c2a-9f00')).toBe('must be a UUID');
    expect(refusal({ type: 'uuid' }, '0192f6a0-7e3b-7c2a-9f00-0123456789abX')).toBe('must be a UUID');
  });

  it('takes only true and false as booleans', () => {
    expect(accepted({ type: 'boolean' }, 'true')).toBe(true);
    expect(accepted({ type: 'boolean' }, 'false')).toBe(false);
    for (const raw of ['TRUE', '1', 'yes', 'on']) expect(refusal({ type: 'boolean' }, raw)).toBe('must be true or false');
  });

  it('takes finite decimal numbers only', () => {
    expect(accepted({ type: 'number' }, '42')).toBe(42);
    expect(accepted({ type: 'number' }, '-1.5')).toBe(-1.5);
    expect(accepted({ type: 'number' }, '+.5')).toBe(0.5);
    expect(accepted({ type: 'number' }, '1e3')).toBe(1000);
    expect(Object.is(accepted({ type: 'number' }, '-0'), 0)).toBe(true);
    for (const raw of ['Infinity', 'NaN', '0x10', ' 1', '1 ', '1,5', '1e999', '--1', '.', '1e']) {
      expect(refusal({ type: 'number' }, raw)).toBe('must be a finite number');
    }
  });

  it('takes safe integers only as integers', () => {
    expect(accepted({ type: 'integer' }, '-7')).toBe(-7);
    for (const raw of ['1.5', '1e3', '9007199254740993', 'ten'])
      expect(refusal({ type: 'integer' }, raw)).toBe('must be an integer');
  });

  it('takes calendar dates as YYYY-MM-DD strings', () => {
    expect(accepted({ type: 'date' }, '2024-02-29')).toBe('2024-02-29');
    for (const raw of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '20240101', '2024-01-01T00:00:00Z']) {
      expect(refusal({ type: 'date' }, raw)).toBe('must be a date such as 2025-01-31');
    }
  });

  it('turns date-times into the ISO strings projections store, or into dates for BSON date fields', () => {
    expect(accepted({ type: 'date-time' }, '2025-01-31T09:30:00Z')).toBe('2025-01-31T09:30:00.000Z');
    expect(accepted({ type: 'date-time' }, '2025-01-31T09:30:00+02:00')).toBe('2025-01-31T07:30:00.000Z');
    const date = accepted({ type: 'date-time', storedAs: 'date' }, '2025-01-31t09:30:00.123456-01:30');
    expect(date).toEqual(new Date('2025-01-31T11:00:00.123Z'));
  });
});

describe('parseDateTime', () => {
  const iso = (raw: string) => {
    const parsed = parseDateTime(raw);
    return parsed.ok ? parsed.value.toISOString() : parsed.messages.join('; ');
  };

  it('reads RFC 3339 with any offset, a space for T, and fractions cut to milliseconds', () => {
    expect(iso('2024-02-29 23:59:59.9999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(iso('2024-03-01T00:30:00+01:00')).toBe('2024-02-29T23:30:00.000Z');
    expect(iso('0050-06-01T00:00:00Z')).toBe('0050-06-01T00:00:00.000Z');
  });

  it('refuses what is not a real instant, with a hint for an unencoded "+"', () => {
    expect(iso('2024-03-01T00:30:00 01:00')).toBe('must be an RFC 3339 date-time; send the "+" of an offset as %2B');
    for (const raw of ['2024-03-01', '2024-03-01T00:30:00', '2024-03-01T00:30Z', 'yesterday', '1709251800']) {
      expect(iso(raw)).toBe('must be an RFC 3339 date-time such as 2025-01-31T09:30:00Z');
    }
    for (const raw of ['2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '2024-01-01T00:00:60Z']) {
      expect(iso(raw)).toBe('is not a valid date and time');
    }
    expect(iso('2024-01-01T00:00:00+24:00')).toBe('is not a valid date and time');
    expect(iso('9999-12-31T23:00:00-02:00')).toBe('is not a valid date and time');
  });
});

describe('parseDate', () => {
  it('knows leap years', () => {
    expect(parseDate('2000-02-29').ok).toBe(true);
    expect(parseDate('1900-02-29').ok).toBe(false);
  });
});
