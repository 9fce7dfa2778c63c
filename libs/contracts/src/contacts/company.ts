import { Type, type Static } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { postalAddressSchema } from './contact-profile';

export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

const companyId = Uuid({ description: 'The company.' });

/** A lower-case internet domain: `example.com`. */
export const INTERNET_DOMAIN_PATTERN = '^([a-z0-9-]+\\.)+[a-z]{2,}$';

const companyFieldSchemas = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  // Lower-case internet domains: `example.com`.
  domains: Type.Array(Type.String({ pattern: INTERNET_DOMAIN_PATTERN, minLength: 3, maxLength: 253 }), {
    maxItems: 20,
    uniqueItems: true,
  }),
  industry: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  size: Type.Optional(StringEnum(COMPANY_SIZES, { description: 'Number of employees.' })),
  addresses: Type.Array(postalAddressSchema, { maxItems: 10 }),
};

/** A company (organization) as the CRM knows it; not personal data. */
export const companyProfileSchema = Closed(companyFieldSchemas);
export type CompanyProfile = Static<typeof companyProfileSchema>;

export const CompanyCreated = defineEvent({
  service: 'contacts',
  name: 'CompanyCreated',
  version: 1,
  description: 'A company (an organization customers work for) was added to the CRM.',
  schema: Closed({ companyId, ...companyFieldSchemas, at: UtcTimestamp({ description: 'When it was added.' }) }),
  example: {
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    name: 'Analytical Engines Ltd',
    domains: ['analytical.example'],
    industry: 'Machinery',
    size: '11-50',
    addresses: [{ lines: ['1 Dorset Street'], city: 'London', country: 'GB' }],
    at: '2025-01-10T09:00:00.000Z',
  },
});
export type CompanyCreatedData = DataOf<typeof CompanyCreated>;

export const CompanyUpdated = defineEvent({
  service: 'contacts',
  name: 'CompanyUpdated',
  version: 1,
  description: "Some of a company's fields changed: `changes` holds the new values, `cleared` the optional fields removed.",
  schema: Closed({
    companyId,
    changes: Type.Partial(companyProfileSchema),
    cleared: Type.Array(StringEnum(['industry', 'size']), { maxItems: 2, uniqueItems: true }),
    at: UtcTimestamp({ description: 'When it changed.' }),
  }),
  example: {
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    changes: { size: '51-200' },
    cleared: [],
    at: '2025-05-10T09:00:00.000Z',
  },
});
export type CompanyUpdatedData = DataOf<typeof CompanyUpdated>;

export const CompanyArchived = defineEvent({
  service: 'contacts',
  name: 'CompanyArchived',
  version: 1,
  description: 'A company was archived: hidden from lists, its history and links kept.',
  schema: Closed({ companyId, at: UtcTimestamp({ description: 'When it was archived.' }) }),
  example: { companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77', at: '2025-09-10T09:00:00.000Z' },
});
export type CompanyArchivedData = DataOf<typeof CompanyArchived>;
