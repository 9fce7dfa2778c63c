import { Type } from '@sinclair/typebox';
import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

const ids = {
  contactId: Uuid({ description: 'The person.' }),
  companyId: Uuid({ description: 'The company.' }),
};

export const ContactLinkedToCompany = defineEvent({
  service: 'contacts',
  name: 'ContactLinkedToCompany',
  version: 1,
  description: 'A person was linked to a company, with their role there; linking again with another role changes the role.',
  customerIdField: 'contactId',
  timeline: { category: 'company', title: 'Linked to a company' },
  schema: Closed({
    ...ids,
    // `CTO`, `buyer`, `billing contact`.
    role: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Their role at the company.' })),
    at: UtcTimestamp({ description: 'When the link was made.' }),
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    role: 'CTO',
    at: '2025-02-01T10:00:00.000Z',
  },
});
export type ContactLinkedToCompanyData = DataOf<typeof ContactLinkedToCompany>;

export const ContactUnlinkedFromCompany = defineEvent({
  service: 'contacts',
  name: 'ContactUnlinkedFromCompany',
  version: 1,
  description: 'A person is no longer linked to a company.',
  customerIdField: 'contactId',
  timeline: { category: 'company', title: 'Unlinked from a company' },
  schema: Closed({ ...ids, at: UtcTimestamp({ description: 'When the link was removed.' }) }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    at: '2025-06-01T10:00:00.000Z',
  },
});
export type ContactUnlinkedFromCompanyData = DataOf<typeof ContactUnlinkedFromCompany>;
