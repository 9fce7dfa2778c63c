import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headerKey } from '@crm/csv';
import { parse } from 'csv-parse/sync';
import { contactImportKinds } from './import-columns';
import { contactImportPresets } from './import-presets';

const headerOf = (file: string): string[] =>
  (parse(readFileSync(join(__dirname, '../../../test/fixtures/imports', file)), { to: 1 }) as string[][])[0];

describe('import presets', () => {
  it.each([
    ['hubspot', 'contacts', 'hubspot-contacts.csv'],
    ['salesforce', 'contacts', 'salesforce-contacts.csv'],
    ['salesforce', 'companies', 'salesforce-accounts.csv'],
    ['odoo', 'contacts', 'odoo-partners.csv'],
    ['pipedrive', 'contacts', 'pipedrive-people.csv'],
  ] as const)('%s takes its %s export (%s) as it is', (preset, kind, file) => {
    const resolved = contactImportKinds.resolveColumns(
      kind,
      headerOf(file),
      {},
      { preset: contactImportPresets.columnsOf(preset, kind) },
    );
    expect(resolved.ok ? [] : resolved.errors).toEqual([]);
  });

  it('map the system’s ids to externalId, and its lifecycle values to ours', () => {
    const hubspot = contactImportKinds.resolveColumns(
      'contacts',
      headerOf('hubspot-contacts.csv'),
      {},
      {
        preset: contactImportPresets.columnsOf('hubspot', 'contacts'),
      },
    );
    const fields = hubspot.ok ? hubspot.columns.map((column) => column.field) : [];
    expect(fields.slice(0, 9)).toEqual([
      'externalId',
      'givenName',
      'familyName',
      'email',
      'phone',
      'otherPhones',
      'jobTitle',
      'companyName',
      'lifecycleStage',
    ]);
    // The person's Create Date is the source's creation date; the associated company's Phone Number, Create Date and
    // Country/Region fill nothing.
    expect(fields[11]).toBe('sourceCreatedAt');
    expect(fields.slice(19)).toEqual(['companyDomain', undefined, undefined, undefined]);
    expect(hubspot.ok && hubspot.columns[8].values?.['Marketing Qualified Lead']).toBe('marketing-qualified');
    const salesforce = contactImportKinds.resolveColumns(
      'contacts',
      headerOf('salesforce-contacts.csv'),
      {},
      {
        preset: contactImportPresets.columnsOf('salesforce', 'contacts'),
      },
    );
    expect(
      salesforce.ok && salesforce.columns.filter((column) => column.field?.endsWith('xternalId')).map((c) => [c.header, c.field]),
    ).toEqual([
      ['ID', 'externalId'],
      ['ACCOUNTID', 'companyExternalId'],
    ]);
    expect(salesforce.ok && salesforce.columns.find((column) => column.header === 'CREATEDDATE')?.field).toBe('sourceCreatedAt');
  });

  it('never map one header two ways', () => {
    for (const name of contactImportPresets.names) {
      for (const kind of contactImportKinds.names) {
        const byKey = new Map<string, string>();
        for (const [header, target] of Object.entries(contactImportPresets.columnsOf(name, kind)?.mapping ?? {})) {
          const known = byKey.get(headerKey(header));
          expect([name, kind, header, known ?? target]).toEqual([name, kind, header, target]);
          byKey.set(headerKey(header), target);
        }
      }
    }
  });
});
