import 'reflect-metadata';
import type { ContactProfile, CustomFieldDefinedData } from '@crm/contracts';
import { escapeCell, valuesByField, type Column } from '@crm/csv';
import { contactWrite, customFieldValue, readContactRow, type ContactRow, type CustomFieldDeclarations } from './contact-rows';
import { readCompanyRow } from './company-rows';
import { readConsentCells } from './contact-consents';
import { contactExport } from './export-records';
import { contactImportKinds, type ContactValues } from './import-columns';

const today = '2026-03-01';

function row(values: ContactValues): ContactRow {
  const read = readContactRow(values);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return read.value;
}

const existing: ContactProfile = {
  name: { given: 'Ada', family: 'Lovelace' },
  emails: [
    { address: 'ada@example.com', label: 'work', primary: true },
    { address: 'ada@home.example', primary: false },
  ],
  phones: [{ number: '+41446681800', primary: true }],
  addresses: [],
  country: 'CH',
  lifecycleStage: 'lead',
  tags: ['vip'],
  customFields: [],
};

describe('resolveColumns', () => {
  it('matches headers to fields without case, spaces or punctuation, and knows common aliases', () => {
    const resolved = contactImportKinds.resolveColumns('contacts', ['Given Name', 'LAST_NAME', 'E-Mail', 'tags', 'status'], {});
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { position: 1, header: 'Given Name', field: 'givenName' },
        { position: 2, header: 'LAST_NAME', field: 'familyName' },
        { position: 3, header: 'E-Mail', field: 'email' },
        { position: 4, header: 'tags', field: 'tags' },
        { position: 5, header: 'status' }, // read-only, written by exports
      ],
    });
  });

  it('takes the mapping first, by exact header or the same header written another way; ignore drops a column', () => {
    const resolved = contactImportKinds.resolveColumns('contacts', ['Work Mail', 'Notes', 'Vorname'], {
      'work mail': 'email',
      Notes: 'ignore',
      Vorname: 'givenName',
    });
    expect(resolved.ok && resolved.columns.map((c) => c.field)).toEqual(['email', undefined, 'givenName']);
  });

  it('refuses a column that fills nothing, two columns for one field, and a mapping entry for no column', () => {
    const resolved = contactImportKinds.resolveColumns('contacts', ['email', 'Mail', 'Shoe size'], {
      Mail: 'email',
      Fax: 'phone',
    });
    expect(resolved.ok).toBe(false);
    const fields = !resolved.ok && resolved.errors.map((e) => e.field);
    expect(fields).toEqual(['columns[2]', 'mapping[Fax]', 'columns']);
    expect(contactImportKinds.resolveColumns('contacts', ['email', 'Shoe size'], {}, { ignoreUnknownColumns: true }).ok).toBe(
      true,
    );
  });

  it('refuses mapping targets that are not fields of the kind', () => {
    expect(contactImportKinds.mappingErrors('contacts', { A: 'email', B: 'name', C: 'ignore' }).map((e) => e.field)).toEqual([
      'mapping[B]',
    ]);
    expect(contactImportKinds.mappingErrors('companies', { B: 'name', D: 'email' }).map((e) => e.field)).toEqual(['mapping[D]']);
  });

  it('reads a custom.<key> header, or a column mapped to custom.<key>, as that custom field of a contacts import', () => {
    const resolved = contactImportKinds.resolveColumns('contacts', ['email', 'custom.plan', 'Seats'], { Seats: 'custom.seats' });
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { position: 1, header: 'email', field: 'email' },
        { position: 2, header: 'custom.plan', field: 'custom.plan' },
        { position: 3, header: 'Seats', field: 'custom.seats' },
      ],
    });
  });

  it('accepts custom.<key> mapping targets for contacts only, and only with a key a declaration could have', () => {
    const mapping = { A: 'custom.plan', B: 'custom.', C: 'custom.Plan', D: 'custom.plan.tier' };
    expect(contactImportKinds.mappingErrors('contacts', mapping).map((e) => e.field)).toEqual([
      'mapping[B]',
      'mapping[C]',
      'mapping[D]',
    ]);
    expect(contactImportKinds.mappingErrors('contacts', { B: 'custom.' })[0].messages[0]).toContain('custom.<key>');
    const companies = contactImportKinds.mappingErrors('companies', { A: 'custom.plan' });
    expect(companies.map((e) => e.field)).toEqual(['mapping[A]']);
    expect(companies[0].messages[0]).not.toContain('custom.<key>');
  });

  it('refuses a custom.<key> column in a companies import, and two columns for one custom field', () => {
    const companies = contactImportKinds.resolveColumns('companies', ['name', 'custom.plan'], {});
    expect(!companies.ok && companies.errors).toEqual([
      { field: 'columns[1]', messages: [expect.stringContaining('fills no field')] },
    ]);
    const twice = contactImportKinds.resolveColumns('contacts', ['custom.plan', 'Plan'], { Plan: 'custom.plan' });
    expect(!twice.ok && twice.errors).toEqual([
      {
        field: 'columns',
        messages: [
          'columns 1 ("custom.plan") and 2 ("Plan") both fill custom.plan; map one by position: mapping[#2]=<field> or mapping[#2]=ignore',
        ],
      },
    ]);
  });
});

describe('valuesByField', () => {
  it('trims cells, leaves blank ones out, and takes the spreadsheet escape off formula-like text', () => {
    const columns: Column[] = [
      { position: 1, header: 'a', field: 'givenName' },
      { position: 2, header: 'b', field: 'familyName' },
      { position: 3, header: 'c' },
    ];
    expect(valuesByField(columns, ['  Ada ', '   ', 'x'])).toEqual({ givenName: 'Ada' });
    expect(valuesByField(columns, ["'=1+1", "'Brien"])).toEqual({ givenName: '=1+1', familyName: "'Brien" });
  });
});

describe('contactWrite', () => {
  it('creates from a row as POST /v1/contacts would: primary e-mail and phone, lists split on ;, country and stage in any case', () => {
    const write = contactWrite(
      row({
        givenName: 'Grace',
        familyName: 'Hopper',
        email: 'Grace@Navy.MIL',
        otherEmails: 'g@example.com; ',
        phone: '044 668 18 00',
        country: 'ch',
        lifecycleStage: 'Customer',
        tags: 'navy;cobol',
        street: 'Bahnhofstrasse 1;Floor 2',
        city: 'Zürich',
        addressCountry: 'ch',
      }),
      undefined,
      today,
    );
    expect(write).toEqual({
      ok: true,
      value: {
        action: 'create',
        input: {
          name: { given: 'Grace', family: 'Hopper' },
          emails: [
            { address: 'grace@navy.mil', primary: true },
            { address: 'g@example.com', primary: false },
          ],
          phones: [{ number: '+41446681800', primary: true }],
          country: 'CH',
          lifecycleStage: 'customer',
          tags: ['navy', 'cobol'],
          addresses: [{ lines: ['Bahnhofstrasse 1', 'Floor 2'], city: 'Zürich', country: 'CH' }],
        },
      },
    });
  });

  it('reads countries by name in many languages or by alpha-3 code (issue 16), and names a cell that is no country', () => {
    const read = (country: string, addressCountry: string) => row({ givenName: 'Ada', country, addressCountry, city: 'x' });
    expect(read('Schweiz', 'CHE')).toMatchObject({ profile: { country: 'CH' }, address: { country: 'CH' } });
    expect(read('United States', 'Deutschland')).toMatchObject({ profile: { country: 'US' }, address: { country: 'DE' } });
    // A national phone number is read in the country the name gives.
    const write = contactWrite(row({ givenName: 'Ada', country: 'Switzerland', phone: '044 668 18 00' }), undefined, today);
    expect(write.ok && write.value.input.phones).toEqual([{ number: '+41446681800', primary: true }]);

    const bad = readContactRow({ givenName: 'Ada', country: 'Neverland', addressCountry: 'XX', city: 'x' });
    expect(!bad.ok && bad.errors).toEqual([
      { field: 'country', messages: ['"Neverland" is no country name or ISO 3166-1 code'] },
      { field: 'addressCountry', messages: ['"XX" is no country name or ISO 3166-1 code'] },
    ]);
  });

  it('takes the import’s default country for a new contact without one, and reads national numbers in it (issue 16)', () => {
    const options = { defaultCountry: 'CH' };
    const created = contactWrite(row({ givenName: 'Ada', phone: '044 668 18 00' }), undefined, today, undefined, options);
    expect(created.ok && created.value.input).toMatchObject({ country: 'CH', phones: [{ number: '+41446681800' }] });
    // The row's own country wins; an existing contact keeps its own, and its numbers are read in it.
    const own = contactWrite(
      row({ givenName: 'Ada', country: 'DE', phone: '030 1234567' }),
      undefined,
      today,
      undefined,
      options,
    );
    expect(own.ok && own.value.input).toMatchObject({ country: 'DE', phones: [{ number: '+49301234567' }] });
    const update = contactWrite(row({ phone: '030 1234567' }), { ...existing, country: 'DE' }, today, undefined, options);
    expect(update.ok && update.value.input).not.toHaveProperty('country');
    expect(update.ok && update.value.input.phones?.[1]).toEqual({ number: '+49301234567', primary: true });
    // Without one, a national number has no country to be read in.
    expect(contactWrite(row({ givenName: 'Ada', phone: '044 668 18 00' }), undefined, today).ok).toBe(false);
  });

  it('refuses ids a spreadsheet rounded into scientific notation, which would make several people one (issue 16)', () => {
    const bad = readContactRow({
      givenName: 'Ada',
      externalId: '1.52533E+11',
      companyExternalId: '3,1E+09',
      companyDomain: 'x.example',
    });
    const message = (cell: string) =>
      `"${cell}" is an id a spreadsheet rounded into scientific notation; export the ids as text and import again`;
    expect(!bad.ok && bad.errors).toEqual([
      { field: 'externalId', messages: [message('1.52533E+11')] },
      { field: 'companyExternalId', messages: [message('3,1E+09')] },
    ]);
    expect(row({ givenName: 'Ada', externalId: '152533000017' }).externalId).toBe('152533000017');
    expect(row({ givenName: 'Ada', externalId: 'E2E-17' }).externalId).toBe('E2E-17');
    const company = readCompanyRow({ name: 'Acme', externalId: '9.9E+12' });
    expect(!company.ok && company.errors.map((error) => error.field)).toEqual(['externalId']);
  });

  it('reports every bad value of a row, named by its import field, with the API’s messages', () => {
    const write = contactWrite(
      row({
        givenName: 'Eve',
        email: 'not-an-email',
        otherEmails: 'ok@example.com;also bad',
        phone: '+1 555',
        lifecycleStage: 'prospect',
      }),
      undefined,
      today,
    );
    expect(write.ok).toBe(false);
    const errors = !write.ok ? write.errors : [];
    expect(errors.map((e) => e.field).sort()).toEqual(['email', 'lifecycleStage', 'otherEmails', 'phone']);
    expect(errors.find((e) => e.field === 'lifecycleStage')?.messages[0]).toContain('lifecycleStage must be one of');
    // Another system's stage (HubSpot's `Marketing Qualified Lead`): the message says how to map it.
    expect(errors.find((e) => e.field === 'lifecycleStage')?.messages).toContain(
      'map other values to a stage with values[lifecycleStage][<value>]=<stage>, or use a preset',
    );
    expect(errors.find((e) => e.field === 'phone')?.messages[0]).toContain('is not a valid phone number');
  });

  it('creates a contact from a name, an e-mail address or a phone number alone, and refuses a row with none', () => {
    expect(contactWrite(row({ email: 'a@example.com' }), undefined, today)).toEqual({
      ok: true,
      value: { action: 'create', input: { emails: [{ address: 'a@example.com', primary: true }] } },
    });
    expect(contactWrite(row({ familyName: 'Lovelace' }), undefined, today)).toEqual({
      ok: true,
      value: { action: 'create', input: { name: { given: '', family: 'Lovelace' } } },
    });
    expect(contactWrite(row({ phone: '+1 202-555-0123 ext. 43023' }), undefined, today)).toEqual({
      ok: true,
      value: { action: 'create', input: { phones: [{ number: '+12025550123', extension: '43023', primary: true }] } },
    });
    expect(contactWrite(row({ jobTitle: 'Analyst', city: 'Zürich' }), undefined, today)).toEqual({
      ok: false,
      errors: [
        {
          field: 'givenName',
          messages: [
            'a contact needs a name (givenName or familyName), an e-mail address (email) or a phone number (phone): the row gives none',
          ],
        },
      ],
    });
  });

  it('refuses a bad birthday, time zone or locale as the domain does', () => {
    const write = contactWrite(
      row({ givenName: 'A', birthday: '2030-01-01', timezone: 'Mars/Olympus', locale: '!!' }),
      undefined,
      today,
    );
    expect(!write.ok && write.errors.map((e) => e.field).sort()).toEqual(['birthday', 'locale', 'timezone']);
  });

  it('keeps the source’s creation date, and refuses one that is no date on its column', () => {
    expect(contactWrite(row({ email: 'a@example.com', sourceCreatedAt: '2019-04-02 13:45' }), undefined, today)).toEqual({
      ok: true,
      value: {
        action: 'create',
        input: { emails: [{ address: 'a@example.com', primary: true }], sourceCreatedAt: '2019-04-02T13:45:00.000Z' },
      },
    });
    const write = contactWrite(row({ email: 'a@example.com', sourceCreatedAt: 'last tuesday' }), undefined, today);
    expect(!write.ok && write.errors.map((e) => e.field)).toEqual(['sourceCreatedAt']);
    // A later row keeps the date the contact has, and fills it when it has none.
    const dated = { ...existing, sourceCreatedAt: '2018-01-01T00:00:00.000Z' };
    const again = contactWrite(row({ email: 'ada@example.com', sourceCreatedAt: '2020-05-05' }), dated, today);
    expect(again.ok && again.value.input.sourceCreatedAt).toBe('2018-01-01T00:00:00.000Z');
    const filled = contactWrite(row({ email: 'ada@example.com', sourceCreatedAt: '2020-05-05' }), existing, today);
    expect(filled.ok && filled.value.input.sourceCreatedAt).toBe('2020-05-05T00:00:00.000Z');
  });

  describe('partial addresses', () => {
    it('takes a city alone, in the row’s country, else the contact’s, else the import’s default country', () => {
      const addressOf = (values: ContactValues, profile?: ContactProfile, defaultCountry?: string) => {
        const write = contactWrite(row({ email: 'a@example.com', ...values }), profile, today, undefined, { defaultCountry });
        return write.ok ? write.value.input.addresses : write.errors;
      };
      expect(addressOf({ city: 'Paris', country: 'France' })).toEqual([{ lines: [], city: 'Paris', country: 'FR' }]);
      expect(addressOf({ postalCode: '8001' }, existing)).toEqual([{ lines: [], postalCode: '8001', country: 'CH' }]);
      expect(addressOf({ city: 'Wien' }, undefined, 'AT')).toEqual([{ lines: [], city: 'Wien', country: 'AT' }]);
      expect(addressOf({ city: 'Wien', addressCountry: 'DE' }, undefined, 'AT')).toEqual([
        { lines: [], city: 'Wien', country: 'DE' },
      ]);
    });

    it('names a column the row has when no country is known (not the empty addressCountry, which has no column)', () => {
      expect(contactWrite(row({ email: 'a@example.com', city: 'Zürich' }), undefined, today)).toEqual({
        ok: false,
        errors: [
          { field: 'city', messages: ['addressCountry is needed: the address names no country and the contact has none'] },
        ],
      });
      const write = contactWrite(
        row({ email: 'a@example.com', city: 'Zürich', addressCountry: 'CH', street: 'x'.repeat(201) }),
        undefined,
        today,
      );
      expect(!write.ok && write.errors.map((e) => e.field)).toEqual(['street']);
    });
  });

  it('adds a phone with another extension of a known number, and not the same phone again', () => {
    const switchboard = { ...existing, phones: [{ number: '+41446681800', extension: '12', primary: true }] };
    const write = contactWrite(row({ otherPhones: '+41 44 668 18 00 x12;+41 44 668 18 00 x13' }), switchboard, today);
    expect(write.ok && write.value.input.phones).toEqual([
      { number: '+41446681800', extension: '12', primary: true },
      { number: '+41446681800', extension: '13', primary: false },
    ]);
  });

  it('updates only what the row gives, adding e-mails, phones and tags to the contact’s rather than replacing them', () => {
    const write = contactWrite(
      row({ familyName: 'King', email: 'ada@home.example', otherEmails: 'new@example.com', tags: 'math' }),
      existing,
      today,
    );
    expect(write).toEqual({
      ok: true,
      value: {
        action: 'update',
        input: {
          name: { given: 'Ada', family: 'King' },
          emails: [
            { address: 'ada@example.com', label: 'work', primary: false },
            { address: 'ada@home.example', primary: true },
            { address: 'new@example.com', primary: false },
          ],
          tags: ['vip', 'math'],
        },
      },
    });
  });

  it('builds an update equal to the contact from a row of its own values (a re-import changes nothing)', () => {
    const write = contactWrite(
      row({
        givenName: 'Ada',
        familyName: 'Lovelace',
        email: 'ada@example.com',
        otherEmails: 'ada@home.example',
        phone: '+41446681800',
        tags: 'vip',
      }),
      existing,
      today,
    );
    expect(write.ok && write.value.input).toEqual({
      name: existing.name,
      emails: existing.emails,
      phones: existing.phones,
      tags: existing.tags,
    });
  });

  it('reads a national number in the contact’s country on update, and refuses lists grown past their bound', () => {
    const national = contactWrite(row({ otherPhones: '044 668 18 01' }), existing, today);
    expect(national.ok && national.value.input.phones?.map((p) => p.number)).toEqual(['+41446681800', '+41446681801']);
    const many = Array.from({ length: 9 }, (_, i) => `x${i}@example.com`).join(';');
    const tooMany = contactWrite(row({ otherEmails: many }), existing, today);
    expect(!tooMany.ok && tooMany.errors.map((e) => e.field)).toEqual(['otherEmails']);
  });

  it('refuses ids that are not UUIDs and a role without a company before anything is looked up', () => {
    const read = readContactRow({ contactId: 'abc', companyIds: 'x', role: 'CTO' });
    expect(!read.ok && read.errors.map((e) => e.field)).toEqual(['contactId', 'companyIds', 'role']);
  });
});

const declared = (key: string, type: CustomFieldDefinedData['type'], options?: string[]): [string, CustomFieldDefinedData] => [
  key,
  { key, label: key, type, ...(options && { options }), at: '2026-01-01T00:00:00.000Z' },
];

describe('custom fields', () => {
  const catalog: CustomFieldDeclarations = new Map([
    declared('plan', 'single-select', ['free', 'pro']),
    declared('seats', 'number'),
    declared('trial', 'boolean'),
    declared('renewal', 'date'),
    declared('features', 'multi-select', ['api', 'sso', 'audit']),
    declared('note', 'text'),
  ]);
  const customer: ContactProfile = {
    ...existing,
    customFields: [
      { key: 'plan', value: 'free' },
      { key: 'seats', value: 3 },
      { key: 'note', value: 'met at a fair' },
    ],
  };
  const errorsOf = (write: ReturnType<typeof contactWrite>) => (write.ok ? [] : write.errors);

  it.each([
    ['text', ' as written; ', { value: ' as written; ' }],
    ['number', '12.5', { value: 12.5 }],
    ['number', '-3', { value: -3 }],
    ['number', '1e3', { value: 1000 }],
    ['boolean', 'TRUE', { value: true }],
    ['boolean', 'yes', { value: true }],
    ['boolean', '1', { value: true }],
    ['boolean', 'False', { value: false }],
    ['boolean', 'NO', { value: false }],
    ['boolean', '0', { value: false }],
    ['date', '2026-02-30', { value: '2026-02-30' }], // as written: the domain judges the date
    ['single-select', 'Pro', { value: 'Pro' }], // as written: the domain judges the option
    ['multi-select', 'api; sso;;', { value: ['api', 'sso'] }],
  ] as const)('reads a %s cell %j by the declared type', (type, cell, expected) => {
    expect(customFieldValue(type, cell)).toEqual(expected);
  });

  it.each([
    ['number', '12,5'],
    ['number', 'abc'],
    ['number', '1 000'],
    ['number', '1e999'],
    ['number', '0x10'],
    ['boolean', 'maybe'],
    ['boolean', 'y'],
    ['boolean', 'constructor'], // not a member of Object.prototype either
    ['boolean', '__proto__'],
  ] as const)('refuses a %s cell %j with a message saying what is expected', (type, cell) => {
    const read = customFieldValue(type, cell);
    expect(read).toEqual({ problem: expect.stringMatching(type === 'number' ? /must be a number.*12\.5/ : /true or false/) });
  });

  it('creates the contact with the row’s custom values, each of its declared type', () => {
    // Given a row filling every kind of custom field
    const given = row({
      givenName: 'Grace',
      'custom.plan': 'pro',
      'custom.seats': '12',
      'custom.trial': 'Yes',
      'custom.renewal': '2026-12-31',
      'custom.features': 'api;sso',
      'custom.note': 'prefers e-mail',
    });
    // When it is written as a new contact
    const write = contactWrite(given, undefined, today, catalog);
    // Then the contact carries them as the API would store them
    expect(write.ok && write.value.input.customFields).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: 12 },
      { key: 'trial', value: true },
      { key: 'renewal', value: '2026-12-31' },
      { key: 'features', value: ['api', 'sso'] },
      { key: 'note', value: 'prefers e-mail' },
    ]);
  });

  it('names the custom.<key> column of every bad custom value: unreadable, undeclared, or refused by the DTO or the domain', () => {
    const write = contactWrite(
      row({
        givenName: 'Eve',
        'custom.seats': 'many',
        'custom.trial': 'perhaps',
        'custom.color': 'red',
        'custom.plan': 'gold',
        'custom.renewal': '2026-02-30',
        'custom.note': 'x'.repeat(1001),
      }),
      undefined,
      today,
      catalog,
    );
    expect(errorsOf(write)).toEqual([
      { field: 'custom.seats', messages: [expect.stringContaining('must be a number')] },
      { field: 'custom.trial', messages: [expect.stringContaining('true or false')] },
      { field: 'custom.color', messages: ['is not a declared custom field'] },
      { field: 'custom.note', messages: [expect.stringContaining('value must be text (up to 1000)'), expect.any(String)] },
      { field: 'custom.plan', messages: ['must be one of: free, pro'] },
      { field: 'custom.renewal', messages: ['must be a date (YYYY-MM-DD)'] },
    ]);
  });

  it('refuses every custom value when the catalog declares nothing', () => {
    expect(errorsOf(contactWrite(row({ givenName: 'A', 'custom.plan': 'pro' }), undefined, today))).toEqual([
      { field: 'custom.plan', messages: ['is not a declared custom field'] },
    ]);
  });

  it('updates by key: the row’s keys replace the contact’s values, the contact’s other keys are kept', () => {
    // Given a customer with a plan, seats and a note, when a row brings new seats and a trial flag
    const write = contactWrite(row({ 'custom.seats': '5', 'custom.trial': 'no' }), customer, today, catalog);
    // Then seats change in place, the trial flag is added, plan and note stay
    expect(write).toEqual({
      ok: true,
      value: {
        action: 'update',
        input: {
          customFields: [
            { key: 'plan', value: 'free' },
            { key: 'seats', value: 5 },
            { key: 'note', value: 'met at a fair' },
            { key: 'trial', value: false },
          ],
        },
      },
    });
  });

  it('builds an update equal to the contact from its own custom values, and none from blank cells', () => {
    const same = contactWrite(row({ 'custom.seats': '3.0', 'custom.plan': 'free' }), customer, today, catalog);
    expect(same.ok && same.value.input.customFields).toEqual(customer.customFields);
    const resolved = contactImportKinds.resolveColumns('contacts', ['email', 'custom.seats', 'custom.features'], {});
    if (!resolved.ok) throw new Error('columns do not resolve');
    const blank = row(valuesByField(resolved.columns, ['ada@example.com', '  ', ' ; ']));
    const write = contactWrite(blank, customer, today, catalog);
    expect(write.ok && write.value.input.customFields).toBeUndefined();
  });
});

describe('export records', () => {
  it('write the import’s columns, so an exported row reads back as the same contact', () => {
    const { columns, record: recordOf } = contactExport();
    const record = recordOf({
      contactId: '0192a8f0-0000-7000-8000-000000000001',
      givenName: '=HYPERLINK("x")',
      familyName: 'Lovelace',
      email: 'ada@example.com',
      emails: ['ada@example.com', 'ada@home.example'],
      phone: '+41446681800',
      phones: ['+41446681800'],
      lifecycleStage: 'lead',
      tags: ['vip', 'math'],
      companyIds: [],
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(record[columns.indexOf('givenName')]).toBe('\'=HYPERLINK("x")');
    const resolved = contactImportKinds.resolveColumns('contacts', [...columns], {});
    if (!resolved.ok) throw new Error('export columns do not import');
    const read = row(valuesByField(resolved.columns, record));
    expect(read).toMatchObject({
      contactId: '0192a8f0-0000-7000-8000-000000000001',
      name: { given: '=HYPERLINK("x")', family: 'Lovelace' },
      email: 'ada@example.com',
      otherEmails: ['ada@home.example'],
      phone: '+41446681800',
      tags: ['vip', 'math'],
    });
  });

  it('write phones with their extensions and the source’s creation time, which read back unchanged', () => {
    const { columns, record: recordOf } = contactExport();
    const record = recordOf({
      contactId: '0192a8f0-0000-7000-8000-000000000001',
      givenName: '',
      familyName: '',
      email: 'ada@example.com',
      emails: ['ada@example.com'],
      phone: '+12025550123',
      phones: ['+41446681800', '+12025550123'],
      phoneTexts: ['+12025550123 ext. 43023', '+41446681800'],
      sourceCreatedAt: '2019-04-02T13:45:00.000Z',
      lifecycleStage: 'lead',
      tags: [],
      companyIds: [],
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const resolved = contactImportKinds.resolveColumns('contacts', [...columns], {});
    if (!resolved.ok) throw new Error('export columns do not import');
    const write = contactWrite(row(valuesByField(resolved.columns, record)), undefined, today);
    expect(write.ok && write.value.input).toMatchObject({
      phones: [
        { number: '+12025550123', extension: '43023', primary: true },
        { number: '+41446681800', primary: false },
      ],
      sourceCreatedAt: '2019-04-02T13:45:00.000Z',
    });
    expect(write.ok && write.value.input.name).toBeUndefined();
  });

  it('write a custom.<key> column per declared field, in a form the import reads back to the same values', () => {
    const declarations: CustomFieldDeclarations = new Map([
      declared('plan', 'single-select', ['free', 'pro']),
      declared('seats', 'number'),
      declared('trial', 'boolean'),
      declared('topics', 'multi-select', ['ai', 'db']),
      declared('motto', 'text'),
    ]);
    const keys = [...declarations.keys()];
    const customFields = [
      { key: 'seats', value: 12.5 },
      { key: 'trial', value: false },
      { key: 'topics', value: ['ai', 'db'] },
      { key: 'motto', value: '=1+1' },
    ];
    const { columns, record: recordOf } = contactExport(keys);
    const record = recordOf({
      contactId: '0192a8f0-0000-7000-8000-000000000002',
      givenName: 'Grace',
      familyName: 'Hopper',
      emails: [],
      phones: [],
      lifecycleStage: 'lead',
      tags: [],
      customFields,
      companyIds: [],
      status: 'active',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(columns.slice(-8)).toEqual([
      'custom.plan',
      'custom.seats',
      'custom.trial',
      'custom.topics',
      'custom.motto',
      'status',
      'createdAt',
      'updatedAt',
    ]);
    expect(record.slice(-8, -3)).toEqual(['', '12.5', 'false', 'ai;db', "'=1+1"]);

    const resolved = contactImportKinds.resolveColumns('contacts', columns, {});
    if (!resolved.ok) throw new Error('export columns do not import');
    const write = contactWrite(row(valuesByField(resolved.columns, record)), undefined, today, declarations);
    expect(write.ok && write.value.input.customFields).toEqual(customFields);
  });

  it('write a consent.<channel>.<purpose> column per channel and purpose held, in the contract’s order, read back as the same statuses', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const { columns, record: recordOf } = contactExport(
      [],
      [
        { channel: 'sms', purpose: 'marketing' },
        { channel: 'email', purpose: 'newsletter' },
        { channel: 'email', purpose: 'marketing' },
      ],
    );
    expect(columns.filter((column) => column.startsWith('consent.'))).toEqual([
      'consent.email.marketing',
      'consent.email.newsletter',
      'consent.sms.marketing',
    ]);
    const record = recordOf({
      contactId: '0192a8f0-0000-7000-8000-000000000003',
      givenName: 'Hedy',
      familyName: 'Lamarr',
      emails: [],
      phones: [],
      lifecycleStage: 'lead',
      tags: [],
      consents: [
        { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at },
        { channel: 'sms', purpose: 'marketing', status: 'withdrawn', source: 'call', at },
      ],
      companyIds: [],
      status: 'active',
      createdAt: at,
      updatedAt: at,
    });
    const cellOf = (column: string) => record[columns.indexOf(column as never)];
    expect(['consent.email.marketing', 'consent.email.newsletter', 'consent.sms.marketing'].map(cellOf)).toEqual([
      '',
      'granted',
      'withdrawn',
    ]);
    const resolved = contactImportKinds.resolveColumns('contacts', columns, {});
    if (!resolved.ok) throw new Error('export columns do not import');
    const read = readConsentCells(valuesByField(resolved.columns, record));
    expect(read.ok && read.value.statements).toEqual([
      { channel: 'email', purpose: 'newsletter', status: 'granted' },
      { channel: 'sms', purpose: 'marketing', status: 'withdrawn' },
    ]);
  });

  it('escape formula-like text but not phone numbers or numbers', () => {
    expect(['=1', '+x', '-x', '@x', "'=x", '+41446681800', '-3', 'Ada'].map(escapeCell)).toEqual([
      "'=1",
      "'+x",
      "'-x",
      "'@x",
      "''=x",
      '+41446681800',
      '-3',
      'Ada',
    ]);
  });
});
