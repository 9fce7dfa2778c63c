import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  Closed,
  COMPANY_SIZES,
  companyLinkSchema,
  companyProfileSchema,
  consentEntrySchema,
  ContactConsentChanged,
  contactProfileSchema,
  customFieldValuesSchema,
  CustomFieldDefined,
  e164Schema,
  Email,
  InteractionLogged,
  LIFECYCLE_STAGES,
  StringEnum,
  UtcTimestamp,
  Uuid,
  type ContactConsentChangedData,
  type CustomFieldDefinedData,
  type EventContract,
  type InteractionLoggedData,
} from '@crm/contracts';
import { namedType as named, sameShape } from '@crm/platform/nest';
import type { MergedContactView } from '../application/commands/merge-contacts';
import { historyEntryType } from '@crm/service-kit';
import type { CompanyView, ContactView } from '../application/contact-view';
import type { ContactRecord } from '../application/contact-lookup';
import type { PersonalDataExport } from '../application/queries/contact-records';
import type { ListedCompany } from '../application/queries/companies';
import type { ListedContact } from '../application/queries/contacts';
import type { LikelyDuplicate } from '../domain/duplicates';

// The bodies the API answers with, as OpenAPI schemas: written once in TypeBox from the contracts' own schemas, and
// held to the types the use cases return (a drift fails to compile), so the document says what the handlers send.

/** An event's data as its contract publishes it, without the document-level keywords. */
function contractData({ schema }: EventContract): object {
  const { $schema: _, $id: __, title: ___, ...data } = schema;
  return data;
}

const revision = Type.Integer({ minimum: 0, description: 'The stream revision this view shows: its ETag.' });
const status = StringEnum(['active', 'archived'] as const);

const mergeSummary = Closed({
  mergeId: Uuid(),
  mergedContactIds: Type.Array(Uuid(), { description: 'The contacts merged in.' }),
  undone: Type.Boolean(),
});

const contactViewSchema = Type.Composite(
  [
    contactProfileSchema,
    Closed({
      contactId: Uuid(),
      status,
      consents: Type.Array(consentEntrySchema, { description: 'The current consent per channel and purpose.' }),
      companies: Type.Array(companyLinkSchema),
      mergedInto: Type.Optional(Uuid({ description: 'Set when the contact was merged into another: the survivor.' })),
      merges: Type.Array(mergeSummary, { description: 'The merges into this contact, undone ones too.' }),
      createdAt: UtcTimestamp(),
      updatedAt: UtcTimestamp(),
      revision,
    }),
  ],
  { additionalProperties: false },
);
sameShape<Static<typeof contactViewSchema>, ContactView>(true);
export const contactView = named<ContactView>('Contact', contactViewSchema);

const mergedContactViewSchema = Type.Composite(
  [contactViewSchema, Closed({ mergeId: Uuid({ description: 'The merge: undo it with POST …/merges/{mergeId}/undo.' }) })],
  { additionalProperties: false },
);
sameShape<Static<typeof mergedContactViewSchema>, MergedContactView>(true);
export const mergedContactView = named<MergedContactView>('MergedContact', mergedContactViewSchema);

const companyViewSchema = Type.Composite(
  [companyProfileSchema, Closed({ companyId: Uuid(), status, createdAt: UtcTimestamp(), updatedAt: UtcTimestamp(), revision })],
  { additionalProperties: false },
);
sameShape<Static<typeof companyViewSchema>, CompanyView>(true);
export const companyView = named<CompanyView>('Company', companyViewSchema);

const listedContactSchema = Closed({
  contactId: Uuid(),
  displayName: Type.Optional(
    Type.String({ description: 'The full name, else the primary e-mail address, else the primary phone number.' }),
  ),
  givenName: Type.String({ description: 'Empty for a contact without a name.' }),
  familyName: Type.String(),
  email: Type.Optional(Email({ description: 'The primary e-mail address.' })),
  emails: Type.Array(Email()),
  phone: Type.Optional({ ...e164Schema, description: 'The primary phone number.' }),
  phones: Type.Array(e164Schema),
  phoneTexts: Type.Optional(
    Type.Array(Type.String(), {
      description: 'The phone numbers with their extensions (`+12025550123 ext. 12`), the primary first.',
    }),
  ),
  jobTitle: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  locale: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
  sourceCreatedAt: Type.Optional(UtcTimestamp({ description: 'When the system the contact came from created it.' })),
  lifecycleStage: StringEnum(LIFECYCLE_STAGES),
  ownerId: Type.Optional(Uuid()),
  tags: Type.Array(Type.String()),
  customFields: Type.Optional(customFieldValuesSchema),
  consents: Type.Optional(Type.Array(consentEntrySchema, { description: 'The current consent per channel and purpose.' })),
  companyIds: Type.Array(Uuid()),
  status,
  mergedInto: Type.Optional(Uuid({ description: 'Set while merged into another contact.' })),
  createdAt: UtcTimestamp(),
  updatedAt: UtcTimestamp(),
});
sameShape<Static<typeof listedContactSchema>, ListedContact>(true);
export const listedContact = named<ListedContact>('ListedContact', listedContactSchema);

const listedCompanySchema = Closed({
  companyId: Uuid(),
  name: Type.String(),
  domains: Type.Array(Type.String()),
  industry: Type.Optional(Type.String()),
  size: Type.Optional(StringEnum(COMPANY_SIZES)),
  status,
  createdAt: UtcTimestamp(),
  updatedAt: UtcTimestamp(),
});
sameShape<Static<typeof listedCompanySchema>, ListedCompany>(true);
export const listedCompany = named<ListedCompany>('ListedCompany', listedCompanySchema);

export const historyEntry = historyEntryType('HistoryEntry', 'The field, or `consents.<channel>/<purpose>`, `companies.<id>`.');

export const interaction = named<InteractionLoggedData>('Interaction', contractData(InteractionLogged));
export const customField = named<CustomFieldDefinedData>('CustomField', contractData(CustomFieldDefined));

/** One statement of the consent ledger: the event's data and when it was recorded. */
type ConsentStatement = ContactConsentChangedData & { recordedAt: string };
const consentChanged = contractData(ContactConsentChanged) as { properties: object; required: string[] };
export const consentStatement = named<ConsentStatement>('ConsentStatement', {
  ...consentChanged,
  properties: { ...consentChanged.properties, recordedAt: UtcTimestamp({ description: 'When it was recorded.' }) },
  required: [...consentChanged.required, 'recordedAt'],
});

const duplicateSchema = Closed({
  contactId: Uuid(),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'How likely the two are one person.' }),
  reasons: Type.Array(
    Type.Union([
      Closed({ kind: Type.Literal('same-email'), email: Type.String() }),
      Closed({ kind: Type.Literal('same-phone'), phone: Type.String() }),
      Closed({ kind: Type.Literal('similar-name-at-company'), companyId: Uuid(), similarity: Type.Number() }),
    ]),
  ),
});
sameShape<Static<typeof duplicateSchema>, LikelyDuplicate>(true);
export const likelyDuplicate = named<LikelyDuplicate>('LikelyDuplicate', duplicateSchema);

const contactRecordSchema = Closed({
  contactId: Uuid(),
  history: Type.Array(historyEntry),
  consentLedger: Type.Array(consentStatement),
});
const personalDataSchema = Closed({
  exportedAt: UtcTimestamp(),
  contact: contactView,
  history: Type.Array(historyEntry),
  consentLedger: Type.Array(consentStatement),
  companies: Type.Array(Closed({ companyId: Uuid(), role: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
  interactions: Type.Array(interaction),
  mergedContacts: Type.Array(contactRecordSchema, {
    description: 'Contacts merged into this one: their records up to the merge.',
  }),
});
sameShape<Omit<Static<typeof contactRecordSchema>, 'consentLedger'>, Omit<ContactRecord, 'consentLedger'>>(true);
sameShape<
  Omit<Static<typeof personalDataSchema>, 'consentLedger' | 'mergedContacts'>,
  Omit<PersonalDataExport, 'consentLedger' | 'mergedContacts'>
>(true);
export const personalData = named<PersonalDataExport>('PersonalData', personalDataSchema);

/** `{ items: [...] }`: what the routes that answer a whole collection at once send. */
export const itemsOf = (items: TSchema) => Closed({ items: Type.Array(items) });
