import { isPlaceholderCell } from './placeholders';
import { valuesByField } from './columns';

describe('placeholder cells', () => {
  it.each(['null', 'NULL', 'N/A', 'n/a', '#N/A', '-', 'none', 'None', ' null '])('reads %j as blank', (cell) => {
    expect(isPlaceholderCell(cell)).toBe(true);
  });

  it.each(['NA', 'Nora', 'nullable', '-1', '1234', 'n.a.'])('keeps %j', (cell) => {
    expect(isPlaceholderCell(cell)).toBe(false);
  });

  it('leaves placeholder cells out of a row, as blank cells', () => {
    const columns = [
      { position: 1, header: 'Phone', field: 'phone' },
      { position: 2, header: 'Tags', field: 'tags' },
      { position: 3, header: 'Name', field: 'givenName' },
    ];
    expect(valuesByField(columns, ['N/A', 'null', 'Ada'])).toEqual({ givenName: 'Ada' });
  });
});
