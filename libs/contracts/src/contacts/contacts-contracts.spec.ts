import { itKeepsTypeAndSchemaInSync, type FieldPresence } from '../testing';
import { ContactArchived, type ContactArchivedData } from './contact-archived';
import { ContactCreated, ContactCreatedV1, type ContactCreatedData, type ContactCreatedV1Data } from './contact-created';
import { ContactEmailChanged, type ContactEmailChangedData } from './contact-email-changed';
import { ContactRenamed, type ContactRenamedData } from './contact-renamed';
import { personNameSchema, type PersonName } from './person-name';
import { contactsContracts } from '.';

const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const at = '2025-01-15T09:30:00.000Z';

describe('PersonName', () => {
  itKeepsTypeAndSchemaInSync<PersonName>({
    schema: personNameSchema,
    fields: { given: 'required', family: 'required' } satisfies FieldPresence<PersonName>,
    sample: { given: 'Ada', family: 'Lovelace' },
  });
});

describe('ContactCreated v2', () => {
  itKeepsTypeAndSchemaInSync<ContactCreatedData>({
    schema: ContactCreated.schema,
    fields: {
      contactId: 'required',
      name: 'required',
      email: 'optional',
      at: 'required',
    } satisfies FieldPresence<ContactCreatedData>,
    sample: { contactId, name: { given: 'Grace', family: 'Hopper' }, email: 'grace@example.com', at },
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

  it('marks names and e-mail addresses as personal data, and nothing else', () => {
    expect(Object.fromEntries(contactsContracts.contracts.map((c) => [`${c.name} v${c.version}`, c.pii]))).toEqual({
      'ContactCreated v1': ['/fullName', '/email'],
      'ContactCreated v2': ['/name', '/email'],
      'ContactRenamed v1': ['/name'],
      'ContactErased v1': [],
      'ContactEmailChanged v1': ['/email'],
      'ContactArchived v1': [],
    });
  });
});
