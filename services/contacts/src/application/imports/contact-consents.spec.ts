import 'reflect-metadata';
import type { ConsentEntry } from '@crm/contracts';
import { valuesByField } from '@crm/csv';
import type { ConsentKey } from '../../domain/consent';
import { consentsToRecord, consentTimeErrors, readConsentCells, type ConsentCells } from './contact-consents';
import { readContactRow } from './contact-rows';
import { contactImportKinds, type ContactValues } from './import-columns';

const now = '2026-03-01T12:00:00.000Z';

function cells(values: ContactValues): ConsentCells {
  const read = readConsentCells(values);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return read.value;
}

describe('consent columns', () => {
  it('reads a consent.<channel>.<purpose> header, or a column mapped to one, as that consent of a contacts import', () => {
    const resolved = contactImportKinds.resolveColumns(
      'contacts',
      ['email', 'consent.email.marketing', 'SMS surveys', 'Consent Source', 'consent_at'],
      {
        'SMS surveys': 'consent.sms.surveys',
      },
    );
    expect(resolved).toEqual({
      ok: true,
      columns: [
        { position: 1, header: 'email', field: 'email' },
        { position: 2, header: 'consent.email.marketing', field: 'consent.email.marketing' },
        { position: 3, header: 'SMS surveys', field: 'consent.sms.surveys' },
        { position: 4, header: 'Consent Source', field: 'consentSource' },
        { position: 5, header: 'consent_at', field: 'consentAt' },
      ],
    });
  });

  it('refuses a consent column with a channel or purpose the contract does not list, and consent columns for companies', () => {
    const unknown = contactImportKinds.resolveColumns(
      'contacts',
      ['consent.fax.marketing', 'consent.email.spam', 'consent.email.product-updates'],
      {},
    );
    expect(!unknown.ok && unknown.errors).toEqual([
      { field: 'columns[0]', messages: [expect.stringContaining('fills no field')] },
      { field: 'columns[1]', messages: [expect.stringContaining('fills no field')] },
    ]);
    const companies = contactImportKinds.resolveColumns('companies', ['name', 'consent.email.marketing', 'consentSource'], {});
    expect(!companies.ok && companies.errors.map((e) => e.field)).toEqual(['columns[1]', 'columns[2]']);
    const twice = contactImportKinds.resolveColumns('contacts', ['consent.email.marketing', 'Mail'], {
      Mail: 'consent.email.marketing',
    });
    expect(!twice.ok && twice.errors).toEqual([
      {
        field: 'columns',
        messages: [
          'columns 1 ("consent.email.marketing") and 2 ("Mail") both fill consent.email.marketing; map one by position: mapping[#2]=<field> or mapping[#2]=ignore',
        ],
      },
    ]);
  });

  it('accepts consent.<channel>.<purpose> mapping targets for contacts only, with a listed channel and purpose', () => {
    const mapping = {
      A: 'consent.email.marketing',
      B: 'consent.fax.marketing',
      C: 'consent.email',
      D: 'Consent.Email.Marketing',
    };
    expect(contactImportKinds.mappingErrors('contacts', mapping).map((e) => e.field)).toEqual([
      'mapping[B]',
      'mapping[C]',
      'mapping[D]',
    ]);
    expect(contactImportKinds.mappingErrors('contacts', { B: 'consent.fax.marketing' })[0].messages[0]).toContain(
      'consent.<channel>.<purpose>',
    );
    const companies = contactImportKinds.mappingErrors('companies', { A: 'consent.email.marketing' });
    expect(companies.map((e) => e.field)).toEqual(['mapping[A]']);
    expect(companies[0].messages[0]).not.toContain('consent.<channel>');
  });
});

describe('readConsentCells', () => {
  it.each([
    ['granted', 'granted'],
    ['GRANTED', 'granted'],
    ['Yes', 'granted'],
    ['true', 'granted'],
    ['1', 'granted'],
    ['withdrawn', 'withdrawn'],
    ['Withdrawn', 'withdrawn'],
    ['no', 'withdrawn'],
    ['FALSE', 'withdrawn'],
    ['0', 'withdrawn'],
  ] as const)('reads %j as %s', (cell, status) => {
    expect(cells({ 'consent.email.newsletter': cell }).statements).toEqual([{ channel: 'email', purpose: 'newsletter', status }]);
  });

  it('refuses any other value, naming its column', () => {
    const read = readConsentCells({
      'consent.email.marketing': 'maybe',
      'consent.sms.surveys': 'y',
      'consent.post.profiling': 'no',
      'consent.chat.surveys': 'constructor', // not a member of Object.prototype either
    });
    expect(read).toEqual({
      ok: false,
      errors: [
        { field: 'consent.email.marketing', messages: ['must be granted or withdrawn (yes/no, true/false and 1/0 also do)'] },
        { field: 'consent.sms.surveys', messages: ['must be granted or withdrawn (yes/no, true/false and 1/0 also do)'] },
        { field: 'consent.chat.surveys', messages: ['must be granted or withdrawn (yes/no, true/false and 1/0 also do)'] },
      ],
    });
  });

  it('takes the source import and no time unless the row gives consentSource and consentAt, for every consent of the row', () => {
    expect(cells({ 'consent.email.marketing': 'yes', 'consent.sms.surveys': 'no' })).toEqual({
      statements: [
        { channel: 'email', purpose: 'marketing', status: 'granted' },
        { channel: 'sms', purpose: 'surveys', status: 'withdrawn' },
      ],
      source: 'import',
    });
    const given = cells({ 'consent.email.marketing': 'yes', consentSource: 'fair-2025', consentAt: '2025-06-01T10:00:00+02:00' });
    expect(given).toMatchObject({ source: 'fair-2025', at: '2025-06-01T08:00:00.000Z' });
  });

  it('checks consentSource and consentAt as POST /v1/contacts/{id}/consents checks source and at, naming those columns', () => {
    const read = readConsentCells({
      'consent.email.marketing': 'granted',
      'consent.sms.surveys': 'withdrawn',
      consentSource: 'x'.repeat(101),
      consentAt: 'yesterday',
    });
    expect(read).toEqual({
      ok: false,
      errors: [
        { field: 'consentSource', messages: [expect.stringContaining('source must be shorter than or equal to 100 characters')] },
        { field: 'consentAt', messages: [expect.stringContaining('at must be an RFC 3339 time')] },
      ],
    });
  });

  it('leaves consentSource and consentAt unread on a row without consent cells', () => {
    expect(readConsentCells({ consentAt: 'yesterday' })).toEqual({ ok: true, value: { statements: [], source: 'import' } });
  });

  it('makes a row with a bad consent cell a bad row, with its other bad cells', () => {
    const read = readContactRow({ contactId: 'abc', 'consent.email.marketing': 'maybe' });
    expect(!read.ok && read.errors.map((e) => e.field)).toEqual(['contactId', 'consent.email.marketing']);
    const blank = contactImportKinds.resolveColumns('contacts', ['givenName', 'consent.email.marketing'], {});
    if (!blank.ok) throw new Error('columns do not resolve');
    const row = readContactRow(valuesByField(blank.columns, ['Ada', '  ']));
    expect(row.ok && row.value.consent.statements).toEqual([]);
  });
});

describe('consentsToRecord', () => {
  const granted = (at: string, source = 'web-form'): ConsentEntry => ({
    channel: 'email',
    purpose: 'marketing',
    status: 'granted',
    source,
    at,
  });
  const current: Partial<Record<ConsentKey, ConsentEntry>> = { 'email/marketing': granted('2025-01-01T00:00:00.000Z') };

  it('records every statement on a contact without consent, dated now unless consentAt says when', () => {
    const row = cells({ 'consent.email.marketing': 'granted', 'consent.sms.surveys': 'withdrawn' });
    expect(consentsToRecord(row, {}, now)).toEqual([
      granted(now, 'import'),
      { channel: 'sms', purpose: 'surveys', status: 'withdrawn', source: 'import', at: now },
    ]);
    const dated = cells({ 'consent.email.marketing': 'granted', consentAt: '2025-02-01T00:00:00Z' });
    expect(consentsToRecord(dated, {}, now)).toEqual([granted('2025-02-01T00:00:00.000Z', 'import')]);
  });

  it('leaves out a statement equal to the contact’s current state (whatever its source and time), so a re-import records nothing', () => {
    const row = cells({ 'consent.email.marketing': 'yes', consentSource: 'other', consentAt: '2026-01-01T00:00:00Z' });
    expect(consentsToRecord(row, current, now)).toEqual([]);
  });

  it('records a statement that changes the current state', () => {
    const row = cells({ 'consent.email.marketing': 'withdrawn', 'consent.email.newsletter': 'granted' });
    expect(consentsToRecord(row, current, now)).toEqual([
      { channel: 'email', purpose: 'marketing', status: 'withdrawn', source: 'import', at: now },
      { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'import', at: now },
    ]);
  });
});

describe('consent time', () => {
  it('refuses a consentAt in the future (it would outrank every later statement), naming the column', () => {
    const future = cells({ 'consent.email.marketing': 'granted', consentAt: '2062-03-01T12:00:00Z' });
    expect(consentTimeErrors(future, now)).toEqual([{ field: 'consentAt', messages: ['must not be in the future'] }]);
  });

  it('takes a past consentAt, one a few minutes ahead (a fast clock), and a row dated by the import itself', () => {
    for (const consentAt of ['2025-02-01T00:00:00Z', '2026-03-01T12:04:00Z']) {
      expect(consentTimeErrors(cells({ 'consent.email.marketing': 'granted', consentAt }), now)).toEqual([]);
    }
    expect(consentTimeErrors(cells({ 'consent.email.marketing': 'granted' }), now)).toEqual([]);
  });
});
