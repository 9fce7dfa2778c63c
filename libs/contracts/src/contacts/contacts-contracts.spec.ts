import { itKeepsTypeAndSchemaInSync, type FieldPresence } from '../testing';
import { ContactArchived, type ContactArchivedData } from './contact-archived';
import {
  ContactCreated,
  ContactCreatedV1,
  ContactCreatedV2,
  type ContactCreatedData,
  type ContactCreatedV1Data,
  type ContactCreatedV2Data,
} from './contact-created';
import { fullPersonNameSchema, type FullPersonName } from './contact-profile';
import { ContactEmailChanged, type ContactEmailChangedData } from './contact-email-changed';
import { ContactRenamed, type ContactRenamedData } from './contact-renamed';
import { personNameSchema, type PersonName } from './person-name';
import { contactsContracts } from '.';
import { ContractViolationError } from '../errors';
import { nullPiiMeansErased, piiSubjectOf } from '../contract';
import { ContactsMerged as ContactsMergedV2, ContactsMergedV1 } from './contact-merge';
import { crmContracts } from '../crm-contracts';

const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const at = '2025-01-15T09:30:00.000Z';

describe('PersonName', () => {
  itKeepsTypeAndSchemaInSync<PersonName>({
    schema: personNameSchema,
    fields: { given: 'required', family: 'required' } satisfies FieldPresence<PersonName>,
    sample: { given: 'Ada', family: 'Lovelace' },
  });
});

describe('ContactCreated v3', () => {
  itKeepsTypeAndSchemaInSync<ContactCreatedData>({
    schema: ContactCreated.schema,
    fields: {
      contactId: 'required',
      name: 'required',
      emails: 'required',
      phones: 'required',
      addresses: 'required',
      jobTitle: 'optional',
      locale: 'optional',
      timezone: 'optional',
      country: 'optional',
      birthday: 'optional',
      source: 'optional',
      lifecycleStage: 'required',
      ownerId: 'optional',
      tags: 'required',
      customFields: 'required',
      at: 'required',
    } satisfies FieldPresence<ContactCreatedData>,
    sample: { ...ContactCreated.example, contactId, at } as Required<ContactCreatedData>,
  });
});

describe('ContactCreated v2', () => {
  itKeepsTypeAndSchemaInSync<ContactCreatedV2Data>({
    schema: ContactCreatedV2.schema,
    fields: {
      contactId: 'required',
      name: 'required',
      email: 'optional',
      at: 'required',
    } satisfies FieldPresence<ContactCreatedV2Data>,
    sample: { contactId, name: { given: 'Grace', family: 'Hopper' }, email: 'grace@example.com', at },
  });
});

describe('FullPersonName', () => {
  itKeepsTypeAndSchemaInSync<FullPersonName>({
    schema: fullPersonNameSchema,
    fields: { prefix: 'optional', given: 'required', middle: 'optional', family: 'required', suffix: 'optional' },
    sample: { prefix: 'Dr.', given: 'Grace', middle: 'Brewster', family: 'Hopper', suffix: 'PhD' },
  });
});

describe('ContactCreated v1', () => {
  itKeepsTypeAndSchemaInSync<ContactCreatedV1Data>({
    schema: ContactCreatedV1.schema,
    fields: {
      contactId: 'required',
      fullName: 'required',
      email: 'optional',
      at: 'required',
    } satisfies FieldPresence<ContactCreatedV1Data>,
    sample: { contactId, fullName: 'Grace Hopper', email: 'grace@example.com', at },
  });
});

describe('ContactRenamed', () => {
  itKeepsTypeAndSchemaInSync<ContactRenamedData>({
    schema: ContactRenamed.schema,
    fields: { contactId: 'required', name: 'required', at: 'required' } satisfies FieldPresence<ContactRenamedData>,
    sample: { contactId, name: { given: 'Grace', family: 'Murray' }, at },
  });
});

describe('ContactEmailChanged', () => {
  itKeepsTypeAndSchemaInSync<ContactEmailChangedData>({
    schema: ContactEmailChanged.schema,
    fields: { contactId: 'required', email: 'required', at: 'required' } satisfies FieldPresence<ContactEmailChangedData>,
    sample: { contactId, email: 'g.hopper@example.org', at },
  });
});

describe('ContactArchived', () => {
  itKeepsTypeAndSchemaInSync<ContactArchivedData>({
    schema: ContactArchived.schema,
    fields: { contactId: 'required', at: 'required' } satisfies FieldPresence<ContactArchivedData>,
    sample: { contactId, at },
  });
});

describe('contacts contracts', () => {
  const current = [ContactCreated, ContactRenamed, ContactEmailChanged, ContactArchived];

  it.each(current.map((contract) => [contract.name, contract] as const))('%s is keyed by the contact id', (_, contract) => {
    expect(contract.service).toBe('contacts');
    expect(contract.customerIdField).toBe('contactId');
  });

  it('marks names, addresses, phones, birthdays, custom values and message contents as personal data, and nothing else', () => {
    const profile = ['/name', '/emails', '/phones', '/addresses', '/birthday', '/customFields'];
    const changes = profile.map((pointer) => `/changes${pointer}`);
    expect(Object.fromEntries(contactsContracts.contracts.map((c) => [`${c.name} v${c.version}`, c.pii]))).toEqual({
      'ContactCreated v1': ['/fullName', '/email'],
      'ContactCreated v2': ['/name', '/email'],
      'ContactCreated v3': profile,
      'ContactUpdated v1': changes,
      'ContactRenamed v1': ['/name'],
      'ContactErased v1': [],
      'ContactEmailChanged v1': ['/email'],
      'ContactArchived v1': [],
      'ContactConsentChanged v1': [],
      'ContactLinkedToCompany v1': [],
      'ContactUnlinkedFromCompany v1': [],
      'ContactsMerged v1': changes,
      'ContactsMerged v2': changes,
      'ContactMergeUndone v1': changes,
      'ContactMergedInto v1': [],
      'ContactUnmerged v1': [],
      'CompanyCreated v1': [],
      'CompanyUpdated v1': [],
      'CompanyArchived v1': [],
      'InteractionLogged v1': ['/participants', '/subject', '/body'],
      'CustomFieldDefined v1': [],
    });
  });
});

describe('decoding an erased person’s event', () => {
  const erased = { ...ContactCreated.example, name: null, emails: null, phones: null, addresses: null, customFields: null };

  it('passes with its personal values null', () => {
    expect(crmContracts.decode('ContactCreated', 3, erased)).toEqual(erased);
  });

  it('still refuses a breach outside the personal values, as the live run did', () => {
    expect(() => crmContracts.decode('ContactCreated', 3, { ...erased, lifecycleStage: 'prospect' })).toThrow(
      ContractViolationError,
    );
  });
});

describe('ContactsMerged v2', () => {
  it('seals the merged values with the merge’s key, not the survivor’s, and upcasts v1 as it is', () => {
    expect(ContactsMergedV2.piiSubjectField).toBe('mergeId');
    expect(piiSubjectOf(ContactsMergedV2, ContactsMergedV2.example)).toBe(ContactsMergedV2.example.mergeId);
    expect(piiSubjectOf(ContactsMergedV1, ContactsMergedV1.example)).toBe(ContactsMergedV1.example.contactId);
    expect(nullPiiMeansErased(ContactsMergedV2)).toBe(false);
    expect(nullPiiMeansErased(ContactsMergedV1)).toBe(true);
    expect(crmContracts.toCurrent('ContactsMerged', 1, ContactsMergedV1.example)).toEqual(ContactsMergedV1.example);
  });
});
