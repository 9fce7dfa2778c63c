import { Type } from '@sinclair/typebox';
import { Closed } from '../common-schemas';
import { defineEvent } from '../contract';
import { contactsContracts } from '../contacts';
import { ContractRegistry } from '../registry';
import { renderCatalog } from './catalog';

const AuditNoted = defineEvent({
  service: 'audit',
  name: 'AuditNoted',
  version: 1,
  description: 'An auditor noted something | with a pipe.',
  schema: Closed({ auditId: Type.String({ maxLength: 36 }), note: Type.String({ maxLength: 100 }) }),
  example: { auditId: 'a-1', note: 'ok' },
});
const registry = new ContractRegistry(contactsContracts, { contracts: [AuditNoted] });
const catalog = renderCatalog(registry);

function section(heading: string): string {
  const start = catalog.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = catalog.slice(start + heading.length + 2).search(/\n#{2,3} /);
  return next < 0 ? catalog.slice(start) : catalog.slice(start, start + heading.length + 2 + next);
}

describe('event catalog', () => {
  it('says it is generated, and lists the topics with their events', () => {
    expect(catalog.startsWith('<!-- Generated from libs/contracts')).toBe(true);
    expect(catalog).toContain(
      '| `crm.contacts` | contacts | ContactCreated, ContactUpdated, ContactRenamed, ContactEmailChanged, ContactArchived, ContactErased, ContactConsentChanged, ContactLinkedToCompany, ContactUnlinkedFromCompany, ContactsMerged, ContactMergeUndone, ContactMergedInto, ContactUnmerged, ContactLinkedToLead, CompanyCreated, CompanyUpdated, CompanyArchived, InteractionLogged, CustomFieldDefined, ContactExternalIdRecorded, LeadLinkRefused |',
    );
    expect(catalog).toContain('| `crm.audit` | audit | AuditNoted |');
  });

  it('documents every envelope header', () => {
    for (const header of [
      'ce_id',
      'ce_type',
      'ce_source',
      'ce_specversion',
      'ce_subject',
      'ce_time',
      'ce_dataversion',
      'ce_correlationid',
      'ce_causationid',
      'ce_traceparent',
    ]) {
      expect(catalog).toMatch(new RegExp(`^\\| \`${header}\` \\|`, 'm'));
    }
  });

  it('describes an event: type, version, key, personal data, timeline, upcasting, schema and example', () => {
    const created = section('### ContactCreated');
    expect(created).toContain('| CloudEvents type | `crm.contacts.ContactCreated` |');
    expect(created).toContain('| Current version | 4 |');
    expect(created).toContain('`contactId` of the data: the customer id');
    expect(created).toContain('| Personal data | `/name`, `/emails`, `/phones`, `/addresses`, `/birthday`, `/customFields` |');
    expect(created).toContain('| Timeline | `profile`: Contact created |');
    expect(created).toContain('v1 → v2: `fullName` is split at its last space');
    expect(created).toContain('v2 → v3: The e-mail address, when there was one, becomes the one primary entry');
    expect(created).toContain('v3 → v4: Same data');
    const [current, , , earlier] = registry.history('ContactCreated').reverse();
    expect(created).toContain(JSON.stringify(current.schema, null, 2));
    expect(created).toContain(JSON.stringify(current.example, null, 2));
    expect(created).toContain('#### ContactCreated v1 (superseded)');
    expect(created).toContain(JSON.stringify(earlier.schema, null, 2));
  });

  it('says when an event has no personal data, customer or timeline entry, and escapes table pipes', () => {
    const noted = section('### AuditNoted');
    expect(noted).toContain('| Personal data | none |');
    expect(noted).toContain('| Timeline | none |');
    expect(noted).toContain('The id of the aggregate the event belongs to');
    expect(noted).not.toContain('Upcasting');
    expect(noted).not.toContain('superseded');
    expect(section('### ContactArchived')).toContain('| Personal data | none |');
  });
});
