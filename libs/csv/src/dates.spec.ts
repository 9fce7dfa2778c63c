import { DateOrderEvidence, fullYear, readDateCell, readDateCells } from './dates';

const read = (cell: string, order?: 'dmy' | 'mdy' | 'ymd', latestYear = 2026) => readDateCell(cell, order, latestYear);

describe('date cells', () => {
  it('reads ISO dates in any order, and other dates in the one given', () => {
    expect(read('1980-03-14')).toEqual({ value: '1980-03-14' });
    expect(read('1980-3-4', 'dmy')).toEqual({ value: '1980-03-04' });
    expect(read('14/03/1980', 'dmy')).toEqual({ value: '1980-03-14' });
    expect(read('14.03.1980', 'dmy')).toEqual({ value: '1980-03-14' });
    expect(read('3/14/1980', 'mdy')).toEqual({ value: '1980-03-14' });
    expect(read('80/03/14', 'ymd')).toEqual({ value: '1980-03-14' });
  });

  it('keeps the time after a date, as ISO 8601 writes it', () => {
    expect(read('3/14/2024 09:30', 'mdy')).toEqual({ value: '2024-03-14T09:30' });
    expect(read('2024-03-14T09:30:00Z')).toEqual({ value: '2024-03-14T09:30:00Z' });
  });

  it('makes a 12-hour or one-digit-hour time 24-hour, as HubSpot and US spreadsheets write them', () => {
    expect(read('3/15/2024 2:30 PM', 'mdy')).toEqual({ value: '2024-03-15T14:30' });
    expect(read('3/15/2024 12:05 am', 'mdy')).toEqual({ value: '2024-03-15T00:05' });
    expect(read('3/15/2024 12:05:09 p.m.', 'mdy')).toEqual({ value: '2024-03-15T12:05:09' });
    expect(read('15.03.2024 9:05', 'dmy')).toEqual({ value: '2024-03-15T09:05' });
    // No time of a 12-hour clock: left for the field's rule to refuse.
    expect(read('3/15/2024 13:00 PM', 'mdy')).toEqual({ value: '2024-03-15T13:00 PM' });
  });

  it('reads two-digit years as the latest year up to the pivot: a birthday in 1980, not 2080', () => {
    expect(read('3/14/80', 'mdy')).toEqual({ value: '1980-03-14' });
    expect(read('3/14/26', 'mdy')).toEqual({ value: '2026-03-14' });
    expect(read('3/14/27', 'mdy')).toEqual({ value: '1927-03-14' });
    expect(fullYear(5, 2046)).toBe(2005);
    expect(fullYear(47, 2046)).toBe(1947);
    expect(fullYear(46, 2046)).toBe(2046);
  });

  it('refuses a non-ISO date without an order, naming the parameter and never the value', () => {
    const refused = read('03/04/1980');
    expect(refused).toEqual({ problem: expect.stringContaining('dateOrder') });
    expect(JSON.stringify(refused)).not.toContain('1980');
  });

  it('refuses what is no date in the calendar or no date at all', () => {
    expect(read('31/02/1980', 'dmy')).toEqual({ problem: 'is no date in the calendar read as dmy' });
    expect(read('14/03/1980', 'mdy')).toEqual({ problem: 'is no date in the calendar read as mdy' });
    expect(read('yesterday', 'dmy')).toEqual({ problem: expect.stringContaining('must be a date') });
    expect(read('1/2/123', 'dmy')).toEqual({ problem: expect.stringContaining('a year of 2 or 4') });
  });
});

describe('date order detection', () => {
  const detected = (...cells: string[]) => {
    const evidence = new DateOrderEvidence();
    cells.forEach((cell) => evidence.add(cell));
    return evidence.order();
  };

  it('finds the order from a value over 12 in one position', () => {
    expect(detected('03/04/1980', '25/12/1975')).toBe('dmy');
    expect(detected('03/04/1980', '12/25/75', '')).toBe('mdy');
  });

  it('finds none when no value tells, or values tell both', () => {
    expect(detected('03/04/1980', '01/02/1990')).toBeUndefined();
    expect(detected('1980-03-14', 'n/a')).toBeUndefined();
    expect(detected('25/12/1975', '12/25/1975')).toBeUndefined();
  });
});

describe('a row’s date cells', () => {
  it('reads each date field in its column’s order, leaves other cells and cells of no date shape to their rules', () => {
    const values = { birthday: '3/4/80', 'custom.renewal': '4/3/40', consentAt: '2025-W05-5', givenName: '1/2/03' };
    const latestYears = { birthday: 2026, 'custom.renewal': 2046, consentAt: 2026 };
    expect(readDateCells(values, latestYears, { birthday: 'mdy', 'custom.renewal': 'dmy' })).toEqual({
      values: { birthday: '1980-03-04', 'custom.renewal': '2040-03-04', consentAt: '2025-W05-5', givenName: '1/2/03' },
      errors: [],
    });
  });

  it('names the field of a date it cannot read', () => {
    expect(readDateCells({ birthday: '03/04/1980' }, { birthday: 2026 })).toEqual({
      values: {},
      errors: [{ field: 'birthday', messages: [expect.stringContaining('dateOrder')] }],
    });
  });
});
