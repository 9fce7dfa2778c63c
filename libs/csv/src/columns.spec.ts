import { defineImportKinds, valuesByField, type Column, type ColumnFamily, type PresetColumns } from './columns';
import { defineImportPresets } from './presets';

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
        { position: 1, header: 'Deal ID', field: 'dealId' },
        { position: 2, header: 'opportunity', field: 'title' },
        { position: 3, header: 'stage.won', field: 'stage.won' },
        { position: 4, header: 'createdAt' },
        { position: 5, header: 'AMOUNT', field: 'amount' },
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
        { position: 1, header: 'personId', field: 'personId' },
        { position: 2, header: 'ownerId', field: 'ownerId' },
        { position: 3, header: 'Name', field: 'name' },
      ],
    });
    // Another system's id column is its id, not ours: here an alias of externalId, and nothing by resemblance.
    expect(own.resolveColumns('people', ['Person ID'], {})).toEqual({
      ok: true,
      columns: [{ position: 1, header: 'Person ID', field: 'externalId' }],
    });
    const resembling = own.resolveColumns('people', ['OwnerId', 'name'], {});
    expect(!resembling.ok && resembling.errors.map((error) => error.field)).toEqual(['columns[0]']);
    // Mapped by name, it is taken as asked.
    expect(own.resolveColumns('people', ['OwnerId'], { OwnerId: 'ownerId' })).toEqual({
      ok: true,
      columns: [{ position: 1, header: 'OwnerId', field: 'ownerId' }],
    });
  });

  it('take the mapping first, and a family column as a mapping target', () => {
    const resolved = kinds.resolveColumns('deals', ['Won?', 'Notes'], { 'won?': 'stage.won', Notes: 'ignore' });
    expect(resolved.ok && resolved.columns).toEqual([
      { position: 1, header: 'Won?', field: 'stage.won' },
      { position: 2, header: 'Notes' },
    ]);
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
    expect(kinds.confidenceOf('deals', { position: 1, header: 'Opportunity', field: 'amount' }, { Opportunity: 'amount' })).toBe(
      'mapped',
    );
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
          { position: 1, header: 'id', field: 'externalId' },
          { position: 2, header: 'name', field: 'givenName' },
          { position: 3, header: 'Is a Company' },
          { position: 4, header: 'email', field: 'email' },
          { position: 5, header: 'parent_id/id', field: 'companyExternalId' },
          { position: 6, header: 'website' },
        ],
        rowsWhere: {
          kind: 'companies',
          header: 'Is a Company',
          position: 3,
          columns: [
            { position: 1, header: 'id', field: 'externalId' },
            { position: 2, header: 'name', field: 'name' },
            { position: 3, header: 'Is a Company' },
            { position: 4, header: 'email' },
            { position: 5, header: 'parent_id/id' },
            { position: 6, header: 'website', field: 'domains' },
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
    const columns = [
      { position: 1, header: 'Title', field: 'title' },
      { position: 2, header: 'Amount', field: 'amount' },
      { position: 3, header: 'x' },
    ];
    expect(valuesByField(columns, [" '=SUM(A1) ", '  ', 'ignored'])).toEqual({ title: '=SUM(A1)' });
  });
});

// A file that repeats headers, as an export with the associated company's properties beside the person's does.
const people = defineImportKinds({
  people: { fields: [{ name: 'phone', aliases: ['Phone Number'] }, 'otherPhones', 'name', 'stage', 'country'] },
});
const REPEATED = ['name', 'Phone Number', 'country', 'Phone Number'];
const errorsOf = (resolved: ReturnType<typeof people.resolveColumns>) => (resolved.ok ? [] : resolved.errors);

describe('columns by position', () => {
  it('refuse two columns of one header filling one field, naming both positions and the way out', () => {
    expect(errorsOf(people.resolveColumns('people', REPEATED, {}))).toEqual([
      {
        field: 'columns',
        messages: [
          'columns 2 and 4 ("Phone Number") both fill phone; map one by position: mapping[#4]=<field> or mapping[#4]=ignore',
        ],
      },
    ]);
    expect(errorsOf(people.resolveColumns('people', ['phone', 'Phone Number'], {}))[0].messages[0]).toBe(
      'columns 1 ("phone") and 2 ("Phone Number") both fill phone; map one by position: mapping[#2]=<field> or mapping[#2]=ignore',
    );
  });

  it('map a column by its position, counted from 1, before any mapping by header', () => {
    const resolved = people.resolveColumns('people', REPEATED, { '#4': 'otherPhones', ' #3 ': 'ignore' });
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { position: 1, header: 'name', field: 'name' },
        { position: 2, header: 'Phone Number', field: 'phone' },
        { position: 3, header: 'country' },
        { position: 4, header: 'Phone Number', field: 'otherPhones' },
      ],
    });
  });

  it('refuse a mapping by a header the file repeats, naming the positions to map instead', () => {
    expect(errorsOf(people.resolveColumns('people', REPEATED, { 'phone number': 'otherPhones' }))).toContainEqual({
      field: 'mapping[phone number]',
      messages: ['"phone number" heads columns 2 and 4; map each by position: mapping[#2]=<field>, mapping[#4]=<field>'],
      in: 'query',
    });
  });

  it('refuse a position past the last column, and #0 before the file is read', () => {
    expect(errorsOf(people.resolveColumns('people', ['name'], { '#2': 'phone' }))).toEqual([
      { field: 'mapping[#2]', messages: ['names no column: the file has 1'], in: 'query' },
    ]);
    expect(people.mappingErrors('people', { '#0': 'phone' })).toEqual([
      { field: 'mapping[#0]', messages: ['columns are counted from 1 (#1 is the first)'], in: 'query' },
    ]);
  });

  it('name a repeated column that fills nothing by its position', () => {
    const [error] = errorsOf(people.resolveColumns('people', ['name', 'Notes', 'Notes'], { '#2': 'ignore' }));
    expect(error.messages[0]).toBe(
      'column 3 "Notes" fills no field; map it (mapping[#3]=<field>), drop it (mapping[#3]=ignore) or send ignoreUnknownColumns=true',
    );
  });
});

describe('list fields', () => {
  const lists = defineImportKinds({ people: { fields: ['name', { name: 'phones', list: true }] } });

  it('take several columns, their cells joined in column order; other fields take one', () => {
    const resolved = lists.resolveColumns('people', ['name', 'Home', 'Work'], { Home: 'phones', Work: 'phones' });
    expect(
      resolved.ok && valuesByField(resolved.columns, ['Ada', '+41 44 000 00 00', '+41 44 111 11 11; +41 44 222 22 22']),
    ).toEqual({
      name: 'Ada',
      phones: '+41 44 000 00 00;+41 44 111 11 11; +41 44 222 22 22',
    });
    expect(resolved.ok && valuesByField(resolved.columns, ['Ada', '', '+41 44 111 11 11'])).toEqual({
      name: 'Ada',
      phones: '+41 44 111 11 11',
    });
    expect(lists.resolveColumns('people', ['name', 'Name'], {}).ok).toBe(false);
  });
});

describe('value mappings', () => {
  const values = { stage: { 'Marketing Qualified Lead': 'marketing-qualified', 'n/a': '' } };

  it('are kept on the column that fills their field, and refused for a field of no column or of no kind', () => {
    const resolved = people.resolveColumns('people', ['name', 'Stage'], {}, { values });
    expect(resolved.ok && resolved.columns[1]).toEqual({ position: 2, header: 'Stage', field: 'stage', values: values.stage });
    expect(errorsOf(people.resolveColumns('people', ['name'], {}, { values }))).toEqual([
      { field: 'values[stage]', messages: ['no column of the file fills stage'], in: 'query' },
    ]);
    expect(people.valueMappingErrors('people', { size: { a: 'b' } })[0]).toEqual({
      field: 'values[size]',
      messages: ['"size" is not a field of a people import; use one of phone, otherPhones, name, stage, country'],
      in: 'query',
    });
    expect(people.valueMappingErrors('people', { stage: { a: 1 } } as never)[0].messages).toEqual([
      'maps cells to values: values[field][cell]=value',
    ]);
  });

  it('change a cell before it is read, matched without case, spaces or punctuation; an empty value blanks it', () => {
    const columns: Column[] = [
      { position: 1, header: 'Name', field: 'name' },
      { position: 2, header: 'Stage', field: 'stage', values: values.stage },
    ];
    expect(valuesByField(columns, ['Ada', ' marketing  qualified-lead '])).toEqual({ name: 'Ada', stage: 'marketing-qualified' });
    expect(valuesByField(columns, ['Ada', 'N/A'])).toEqual({ name: 'Ada' });
    expect(valuesByField(columns, ['Ada', 'customer'])).toEqual({ name: 'Ada', stage: 'customer' });
  });
});

describe('presets', () => {
  const crm: PresetColumns = {
    mapping: { 'Full Name': 'name', 'Lifecycle Stage': 'stage', 'Lead Status': 'ignore', 'Mobile Phone': 'otherPhones' },
    values: { stage: { 'Marketing Qualified Lead': 'marketing-qualified', Customer: 'customer' } },
    repeatedHeaders: 'first-fills',
  };

  it("map the system's headers, leave its absent ones be, and fill a repeated header from its first column", () => {
    const resolved = people.resolveColumns(
      'people',
      ['Full Name', 'Phone Number', 'Lifecycle Stage', 'Lead Status', 'Phone Number', 'Lead Status'],
      {},
      { preset: crm },
    );
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { position: 1, header: 'Full Name', field: 'name' },
        { position: 2, header: 'Phone Number', field: 'phone' },
        { position: 3, header: 'Lifecycle Stage', field: 'stage', values: crm.values!.stage },
        { position: 4, header: 'Lead Status' },
        { position: 5, header: 'Phone Number' },
        { position: 6, header: 'Lead Status' },
      ],
    });
  });

  it("give way to the client's mapping and values", () => {
    const resolved = people.resolveColumns(
      'people',
      ['Full Name', 'Phone Number', 'Lifecycle Stage', 'Phone Number'],
      { 'Lifecycle Stage': 'ignore', '#4': 'otherPhones', 'Full Name': 'name' },
      { preset: crm },
    );
    expect(resolved.ok && resolved.columns.map((column) => column.field)).toEqual(['name', 'phone', undefined, 'otherPhones']);
    const own = people.resolveColumns(
      'people',
      ['Lifecycle Stage'],
      {},
      { preset: crm, values: { stage: { Customer: 'evangelist' } } },
    );
    expect(own.ok && own.columns[0].values).toEqual({
      'Marketing Qualified Lead': 'marketing-qualified',
      Customer: 'evangelist',
    });
  });

  it('are checked against the kinds when declared', () => {
    const presets = defineImportPresets(people, { crm: { label: 'A CRM', kinds: { people: crm } } });
    expect(presets.names).toEqual(['crm']);
    expect(presets.columnsOf('crm', 'people')).toBe(crm);
    expect(presets.columnsOf('crm', 'deals')).toBeUndefined();
    expect(() => defineImportPresets(people, { crm: { label: 'A CRM', kinds: { people: { mapping: { A: 'size' } } } } })).toThrow(
      /Import preset "crm" \(people\): mapping\[A\]/,
    );
    expect(() => defineImportPresets(people, { Crm: { label: 'A CRM', kinds: {} } })).toThrow(/lower-case/);
  });
});
