import { CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentChannel, type ConsentPurpose } from '@crm/contracts';
import { defineImportKinds, type ColumnFamily, type FieldDeclaration } from '@crm/csv';

/** The fields a contacts CSV can fill; an export writes these first, then the read-only columns. */
export const CONTACT_FIELDS = [
  'contactId',
  'externalId',
  'prefix',
  'givenName',
  'middleName',
  'familyName',
  'suffix',
  'email',
  'otherEmails',
  'phone',
  'otherPhones',
  'jobTitle',
  'locale',
  'timezone',
  'country',
  'birthday',
  'source',
  'sourceCreatedAt',
  'lifecycleStage',
  'ownerId',
  'owner',
  'tags',
  'street',
  'city',
  'region',
  'postalCode',
  'addressCountry',
  'companyIds',
  'companyDomain',
  'companyExternalId',
  'companyName',
  'role',
  'consentSource',
  'consentAt',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** The contacts fields that hold dates: read in the file's day/month order (`dateOrder`, or told by the column). */
export const CONTACT_DATE_FIELDS: readonly ContactField[] = ['birthday', 'consentAt', 'sourceCreatedAt'];

export const COMPANY_FIELDS = [
  'companyId',
  'externalId',
  'name',
  'domains',
  'industry',
  'size',
  'street',
  'city',
  'region',
  'postalCode',
  'addressCountry',
] as const;
export type CompanyField = (typeof COMPANY_FIELDS)[number];

/** A contacts column that fills a declared custom field: `custom.plan` fills the field with key `plan`. */
export type CustomFieldColumn = `custom.${string}`;

/** A contacts column that states consent for one channel and purpose: `consent.email.marketing`. */
export type ConsentColumn = `consent.${ConsentChannel}.${ConsentPurpose}`;

/** A contacts row's values by field, custom fields and consent included. */
export type ContactValues = Partial<Record<ContactField | CustomFieldColumn | ConsentColumn, string>>;

const CUSTOM_FIELD_COLUMN = /^custom\.[a-z][a-zA-Z0-9]{0,39}$/;
export const isCustomFieldColumn = (target: string): target is CustomFieldColumn => CUSTOM_FIELD_COLUMN.test(target);
export const customFieldColumn = (key: string): CustomFieldColumn => `custom.${key}`;
export const customFieldKey = (column: CustomFieldColumn): string => column.slice('custom.'.length);

// Channels and purposes exactly as the contract lists them (`consent.email.product-updates`).
const CONSENT_COLUMNS: ReadonlySet<string> = new Set(
  CONSENT_CHANNELS.flatMap((channel) => CONSENT_PURPOSES.map((purpose) => `consent.${channel}.${purpose}`)),
);
export const isConsentColumn = (target: string): target is ConsentColumn => CONSENT_COLUMNS.has(target);
export const consentColumn = ({ channel, purpose }: { channel: ConsentChannel; purpose: ConsentPurpose }): ConsentColumn =>
  `consent.${channel}.${purpose}`;
export const consentOfColumn = (column: ConsentColumn): { channel: ConsentChannel; purpose: ConsentPurpose } => {
  const [, channel, purpose] = column.split('.') as [string, ConsentChannel, ConsentPurpose];
  return { channel, purpose };
};

/** Columns an export writes for reference; an import passes over them. */
export const READ_ONLY_COLUMNS = ['status', 'createdAt', 'updatedAt'] as const;

/**
 * Headers other tools write, understood without a mapping. Their own record ids (`Contact ID`, `Record ID`) are their
 * ids: they fill `externalId`, never one of ours.
 */
const CONTACT_ALIASES: Partial<Record<ContactField, readonly string[]>> = {
  externalId: ['Contact ID', 'Record ID'],
  givenName: ['First Name'],
  familyName: ['Last Name', 'Surname'],
  email: ['Email Address'],
  phone: ['Phone Number'],
  tags: ['Tag'],
  companyName: ['Company Name', 'Company'],
  // How HubSpot, Salesforce, Pipedrive and Odoo name a record's owner: by e-mail or name, never by one of our ids.
  owner: ['Contact owner', 'Owner Email', 'Owner Name', 'Salesperson'],
};
const COMPANY_ALIASES: Partial<Record<CompanyField, readonly string[]>> = {
  externalId: ['Company ID', 'Record ID'],
  name: ['Company Name'],
  domains: ['Domain', 'Website'],
};

/** Fields that hold lists (`;`-separated), which several columns may fill (`HomePhone`, `OtherPhone`). */
const LISTS: ReadonlySet<string> = new Set(['otherEmails', 'otherPhones', 'tags', 'street', 'companyIds', 'domains']);

/** Our ids: filled without a mapping only by a column headed exactly so (`OwnerId` of another system is not ours). */
const OUR_IDS: ReadonlySet<string> = new Set(['contactId', 'companyId', 'companyIds', 'ownerId']);

const declared = <F extends string>(
  fields: readonly F[],
  aliases: Partial<Record<F, readonly string[]>>,
  dates: readonly F[] = [],
): FieldDeclaration[] => [
  ...fields.map((name) => ({
    name,
    aliases: aliases[name],
    exactNameOnly: OUR_IDS.has(name),
    list: LISTS.has(name),
    date: dates.includes(name),
  })),
  ...READ_ONLY_COLUMNS.map((name) => ({ name, readOnly: true })),
];

// `custom.` and a key as POST /v1/custom-fields takes it; whether the key is declared is checked per row.
const customFieldColumns: ColumnFamily = { pattern: 'custom.<key>', includes: isCustomFieldColumn, mayHoldDates: true };
const consentColumns: ColumnFamily = { pattern: 'consent.<channel>.<purpose>', includes: isConsentColumn };

/** What the contacts service imports: contacts (with their custom fields and consents) and companies. */
export const contactImportKinds = defineImportKinds({
  contacts: {
    fields: declared(CONTACT_FIELDS, CONTACT_ALIASES, CONTACT_DATE_FIELDS),
    families: [customFieldColumns, consentColumns],
  },
  companies: { fields: declared(COMPANY_FIELDS, COMPANY_ALIASES) },
});
