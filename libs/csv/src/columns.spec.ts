import { defineImportKinds, valuesByField, type ColumnFamily } from './columns';

// A kind no service has yet: deals, with a family of `stage.<name>` columns.
const stageColumns: ColumnFamily = { pattern: 'stage.<name>', includes: (column) => /^stage\.[a-z]+$/.test(column) };
const kinds = defineImportKinds({
  deals: {
    fields: ['dealId', { name: 'title', aliases: ['Deal Name', 'Opportunity'] }, 'amount', { name: 'createdAt', readOnly: true }],
    families: [stageColumns],
  },
  notes: { fields: ['text'] },
});

describe('import kinds', () => {
  it('know their names, the first being the default', () => {
    expect(kinds.names).toEqual(['deals', 'notes']);
    expect(kinds.defaultKind).toBe('deals');
    expect(kinds.has('notes')).toBe(true);
    expect(kinds.has('contacts')).toBe(false);
  });

  it('refuse a kind that is not a lower-case word, and none at all', () => {
    expect(() => defineImportKinds({ Deals: { fields: ['a'] } })).toThrow(/lower-case/);
    expect(() => defineImportKinds({})).toThrow(/at least one/);
  });

  it('resolve headers by field, alias and family; read-only columns are passed over', () => {
    const resolved = kinds.resolveColumns('deals', ['Deal ID', 'opportunity', 'stage.won', 'createdAt', 'AMOUNT'], {});
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { header: 'Deal ID', field: 'dealId' },
        { header: 'opportunity', field: 'title' },
        { header: 'stage.won', field: 'stage.won' },
        { header: 'createdAt' },
        { header: 'AMOUNT', field: 'amount' },
      ],
    });
  });

  it('fill an exact-name-only field (an id of ours) only from a header written exactly as its name', () => {
    const own = defineImportKinds({
      people: {
        fields: [
          { name: 'personId', exactNameOnly: true },
          { name: 'ownerId', exactNameOnly: true },
          { name: 'externalId', aliases: ['Person ID'] },
          'name',
        ],
      },
    });
    expect(own.resolveColumns('people', ['personId', 'ownerId', 'Name'], {})).toEqual({
      ok: true,
      columns: [
        { header: 'personId', field: 'personId' },
        { header: 'ownerId', field: 'ownerId' },
        { header: 'Name', field: 'name' },
      ],
    });
    // Another system's id column is its id, not ours: here an alias of externalId, and nothing by resemblance.
    expect(own.resolveColumns('people', ['Person ID'], {})).toEqual({
      ok: true,
      columns: [{ header: 'Person ID', field: 'externalId' }],
    });
    const resembling = own.resolveColumns('people', ['OwnerId', 'name'], {});
    expect(!resembling.ok && resembling.errors.map((error) => error.field)).toEqual(['columns[0]']);
    // Mapped by name, it is taken as asked.
    expect(own.resolveColumns('people', ['OwnerId'], { OwnerId: 'ownerId' })).toEqual({
      ok: true,
      columns: [{ header: 'OwnerId', field: 'ownerId' }],
    });
  });

  it('take the mapping first, and a family column as a mapping target', () => {
    const resolved = kinds.resolveColumns('deals', ['Won?', 'Notes'], { 'won?': 'stage.won', Notes: 'ignore' });
    expect(resolved.ok && resolved.columns).toEqual([{ header: 'Won?', field: 'stage.won' }, { header: 'Notes' }]);
  });

  it('keep each kind to its own fields and families', () => {
    const notes = kinds.resolveColumns('notes', ['text', 'stage.won', 'title'], {});
    expect(!notes.ok && notes.errors.map((error) => error.field)).toEqual(['columns[1]', 'columns[2]']);
    expect(kinds.resolveColumns('notes', ['text', 'stage.won'], {}, { ignoreUnknownColumns: true }).ok).toBe(true);
  });

  it('name what a mapping may target, families included, and refuse read-only fields as targets', () => {
    const [error] = kinds.mappingErrors('deals', { A: 'createdAt' });
    expect(error).toEqual({
      field: 'mapping[A]',
      messages: ['"createdAt" is not a field of a deals import; use one of dealId, title, amount, stage.<name> or ignore'],
      in: 'query',
    });
    expect(kinds.mappingErrors('deals', { A: 'stage.lost', B: 'title', C: 'ignore' })).toEqual([]);
    expect(kinds.mappingErrors('notes', { A: 'stage.lost' })[0].messages[0]).toContain('use one of text or ignore');
  });

  it('tell how surely each column was resolved, for a preview: its name, a mapping, an alias, a resemblance, or nothing', () => {
    const headers = ['amount', 'Deal Name', 'AMOUNT', 'Bemerkung', 'stage.won', 'createdAt', 'Fax'];
    const mapping = { bemerkung: 'stage.lost', Fax: 'ignore' };
    const resolved = kinds.resolveColumns('deals', headers, mapping);
    // Both `amount` columns fill one field: not resolved, yet every column is told, so that the mapping can be fixed.
    expect(resolved.ok).toBe(false);
    expect(resolved.columns.map((column) => kinds.confidenceOf('deals', column, mapping))).toEqual([
      'exact',
      'alias',
      'resemblance',
      'mapped',
      'exact',
      'none',
      'none',
    ]);
    // Written like an alias but filling another field by the caller's word: mapped.
    expect(kinds.confidenceOf('deals', { header: 'Opportunity', field: 'amount' }, { Opportunity: 'amount' })).toBe('mapped');
  });

  describe('of a file with rows of two kinds (rowsWhere)', () => {
    const twoKinds = defineImportKinds({
      people: { fields: ['externalId', 'givenName', 'email', 'companyExternalId'] },
      companies: { fields: ['externalId', 'name', 'domains'] },
    });
    const headers = ['id', 'name', 'Is a Company', 'email', 'parent_id/id', 'website'];
    const mapping = { id: 'externalId', name: 'givenName', 'parent_id/id': 'companyExternalId', website: 'domains' };

    it('resolve the header once per kind, each mapping entry for the kinds it names a field of, the split column for neither', () => {
      expect(twoKinds.resolveSplitColumns('people', { kind: 'companies', header: 'is a company' }, headers, mapping)).toEqual({
        ok: true,
        columns: [
          { header: 'id', field: 'externalId' },
          { header: 'name', field: 'givenName' },
          { header: 'Is a Company' },
          { header: 'email', field: 'email' },
          { header: 'parent_id/id', field: 'companyExternalId' },
          { header: 'website' },
        ],
        rowsWhere: {
          kind: 'companies',
          header: 'Is a Company',
          position: 3,
          columns: [
            { header: 'id', field: 'externalId' },
            { header: 'name', field: 'name' },
            { header: 'Is a Company' },
            { header: 'email' },
            { header: 'parent_id/id' },
            { header: 'website', field: 'domains' },
          ],
        },
      });
      expect(twoKinds.mappingOf('companies', { ...mapping, Fax: 'ignore' })).toEqual({
        id: 'externalId',
        website: 'domains',
        Fax: 'ignore',
      });
    });

    it('refuse a column neither kind takes (once), and a split column the file lacks', () => {
      const refused = twoKinds.resolveSplitColumns(
        'people',
        { kind: 'companies', header: 'Is a Company' },
        [...headers, 'Fax'],
        mapping,
      );
      expect(!refused.ok && refused.errors.map((error) => error.field)).toEqual(['columns[6]']);
      const ignored = twoKinds.resolveSplitColumns(
        'people',
        { kind: 'companies', header: 'Is a Company' },
        [...headers, 'Fax'],
        mapping,
        {
          ignoreUnknownColumns: true,
        },
      );
      expect(ignored.ok).toBe(true);
      const missing = twoKinds.resolveSplitColumns('people', { kind: 'companies', header: 'is_company' }, headers, mapping);
      expect(!missing.ok && missing.errors).toEqual([
        { field: 'rowsWhere[companies]', messages: ['names no column of the file'], in: 'query' },
      ]);
    });
  });

  it('read a row by its columns: trimmed, blank cells left out, a spreadsheet’s text mark taken off', () => {
    const columns = [{ header: 'Title', field: 'title' }, { header: 'Amount', field: 'amount' }, { header: 'x' }];
    expect(valuesByField(columns, [" '=SUM(A1) ", '  ', 'ignored'])).toEqual({ title: '=SUM(A1)' });
  });
});
