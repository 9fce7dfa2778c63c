import type { Column } from './columns';
import { importPasses, readRowsWhere } from './runner';

describe('an import with rows of two kinds', () => {
  const columns: Column[] = [{ position: 1, header: 'name', field: 'givenName' }];
  const rowsWhere = {
    kind: 'companies',
    header: 'Is a Company',
    position: 2,
    columns: [{ position: 1, header: 'name', field: 'name' }],
  };

  it('reads the split cell as true or false in the spellings exports write, blank false, anything else unreadable', () => {
    const of = (cell: string) => readRowsWhere(rowsWhere, ['Acme', cell]);
    expect(['True', 'TRUE', '1', 'yes', 'x', 'Wahr', 'ja', ' true ', 'oui'].map(of)).toEqual(Array(9).fill(true));
    expect(['False', '0', 'no', '', 'falsch', 'Nein', 'non'].map(of)).toEqual(Array(7).fill(false));
    expect(['maybe', '2', 'Acme'].map(of)).toEqual(Array(3).fill('unreadable'));
    expect(readRowsWhere(rowsWhere, ['Acme'])).toBe(false); // a short row's missing cell is blank
  });

  it('imports the rows of the second kind in a first pass, then the others', () => {
    expect(importPasses({ kind: 'contacts', columns, rowsWhere })).toEqual([
      { kind: 'companies', columns: rowsWhere.columns, rowsWhere: true },
      { kind: 'contacts', columns, rowsWhere: false },
    ]);
    expect(importPasses({ kind: 'contacts', columns })).toEqual([{ kind: 'contacts', columns }]);
  });
});
