import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';

export interface ContactLinkedToCompanyData {
  contactId: string;
  companyId: string;
  /** What the person is at the company: `CTO`, `buyer`, `billing contact`. */
  role?: string;
  at: string;
}

export interface ContactUnlinkedFromCompanyData {
  contactId: string;
  companyId: string;
  at: string;
}

const ids = {
  contactId: { ...uuidSchema, description: 'The person.' },
  companyId: { ...uuidSchema, description: 'The company.' },
};

export const ContactLinkedToCompany = defineEvent<ContactLinkedToCompanyData>({
  service: 'contacts',
  name: 'ContactLinkedToCompany',
  version: 1,
  description: 'A person was linked to a company, with their role there; linking again with another role changes the role.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'companyId', 'at'],
    properties: {
      ...ids,
      role: { type: 'string', minLength: 1, maxLength: 100, description: 'Their role at the company.' },
      at: { ...utcTimestampSchema, description: 'When the link was made.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    role: 'CTO',
    at: '2025-02-01T10:00:00.000Z',
  },
});

export const ContactUnlinkedFromCompany = defineEvent<ContactUnlinkedFromCompanyData>({
  service: 'contacts',
  name: 'ContactUnlinkedFromCompany',
  version: 1,
  description: 'A person is no longer linked to a company.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'companyId', 'at'],
    properties: { ...ids, at: { ...utcTimestampSchema, description: 'When the link was removed.' } },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    at: '2025-06-01T10:00:00.000Z',
  },
});
