import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import type { JsonSchema } from '../json-schema';
import { postalAddressSchema, type PostalAddress } from './contact-profile';

export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];

/** A company (organization) as the CRM knows it; not personal data. */
export interface CompanyProfile {
  name: string;
  /** Lower-case internet domains: `example.com`. */
  domains: string[];
  industry?: string;
  size?: CompanySize;
  addresses: PostalAddress[];
}

export interface CompanyCreatedData extends CompanyProfile {
  companyId: string;
  at: string;
}

export interface CompanyUpdatedData {
  companyId: string;
  changes: Partial<CompanyProfile>;
  cleared: ('industry' | 'size')[];
  at: string;
}

export interface CompanyArchivedData {
  companyId: string;
  at: string;
}

const companyId = { ...uuidSchema, description: 'The company.' };

/** A lower-case internet domain: `example.com`. */
export const INTERNET_DOMAIN_PATTERN = '^([a-z0-9-]+\\.)+[a-z]{2,}$';

const companyFieldSchemas: { readonly [Field in keyof CompanyProfile]: JsonSchema } = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  domains: {
    type: 'array',
    maxItems: 20,
    uniqueItems: true,
    items: { type: 'string', pattern: INTERNET_DOMAIN_PATTERN, minLength: 3, maxLength: 253 },
  },
  industry: { type: 'string', minLength: 1, maxLength: 100 },
  size: { type: 'string', enum: COMPANY_SIZES, description: 'Number of employees.' },
  addresses: { type: 'array', maxItems: 10, items: postalAddressSchema },
};

export const CompanyCreated = defineEvent<CompanyCreatedData>({
  service: 'contacts',
  name: 'CompanyCreated',
  version: 1,
  description: 'A company (an organization customers work for) was added to the CRM.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['companyId', 'name', 'domains', 'addresses', 'at'],
    properties: { companyId, ...companyFieldSchemas, at: { ...utcTimestampSchema, description: 'When it was added.' } },
  },
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

export const CompanyUpdated = defineEvent<CompanyUpdatedData>({
  service: 'contacts',
  name: 'CompanyUpdated',
  version: 1,
  description: "Some of a company's fields changed: `changes` holds the new values, `cleared` the optional fields removed.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['companyId', 'changes', 'cleared', 'at'],
    properties: {
      companyId,
      changes: { type: 'object', additionalProperties: false, properties: companyFieldSchemas },
      cleared: { type: 'array', maxItems: 2, uniqueItems: true, items: { type: 'string', enum: ['industry', 'size'] } },
      at: { ...utcTimestampSchema, description: 'When it changed.' },
    },
  },
  example: {
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    changes: { size: '51-200' },
    cleared: [],
    at: '2025-05-10T09:00:00.000Z',
  },
});

export const CompanyArchived = defineEvent<CompanyArchivedData>({
  service: 'contacts',
  name: 'CompanyArchived',
  version: 1,
  description: 'A company was archived: hidden from lists, its history and links kept.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['companyId', 'at'],
    properties: { companyId, at: { ...utcTimestampSchema, description: 'When it was archived.' } },
  },
  example: { companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77', at: '2025-09-10T09:00:00.000Z' },
});
