import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent, type EventDefinition } from '../contract';
import { defineUpcaster } from '../upcaster';
import type { JsonSchema } from '../json-schema';
import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChannel,
  type ConsentPurpose,
  type ConsentStatus,
} from './contact-consent-changed';
import { OPTIONAL_PROFILE_FIELDS, profileFieldSchemas, type ContactProfile, type OptionalProfileField } from './contact-profile';

/** One entry of the consent ledger, as a merge adopts or an undo restores it. */
export interface ConsentEntry {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source: string;
  at: string;
}

export interface CompanyLink {
  companyId: string;
  role?: string;
}

export interface ContactsMergedData {
  /** The survivor. */
  contactId: string;
  mergeId: string;
  /** The contacts merged into the survivor; they now resolve to it. */
  mergedContactIds: string[];
  /** The survivor's fields that the merge changed, with their new values. */
  changes: Partial<ContactProfile>;
  /** Consents adopted from the merged contacts (newer than the survivor's own for that channel and purpose). */
  consents: ConsentEntry[];
  /** Company links adopted from the merged contacts. */
  companyLinks: CompanyLink[];
  at: string;
}

export interface ContactMergeUndoneData {
  contactId: string;
  mergeId: string;
  /** The contacts split off again. */
  restoredContactIds: string[];
  /** Fields restored to their value before the merge (those not changed since). */
  changes: Partial<ContactProfile>;
  /** Optional fields that had no value before the merge. */
  cleared: OptionalProfileField[];
  /** Consents as they were before the merge, for channels and purposes not changed since. */
  consents: ConsentEntry[];
  /** Consents that did not exist before the merge and are removed. */
  removedConsents: { channel: ConsentChannel; purpose: ConsentPurpose }[];
  /** Links the merge had adopted, removed again. */
  removedCompanyIds: string[];
  at: string;
}

export interface ContactMergedIntoData {
  contactId: string;
  survivorId: string;
  mergeId: string;
  at: string;
}

const consentEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'purpose', 'status', 'source', 'at'],
  properties: {
    channel: { type: 'string', enum: CONSENT_CHANNELS },
    purpose: { type: 'string', enum: CONSENT_PURPOSES },
    status: { type: 'string', enum: ['granted', 'withdrawn'] },
    source: { type: 'string', minLength: 1, maxLength: 100 },
    at: utcTimestampSchema,
  },
};
const consentKeySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'purpose'],
  properties: { channel: { type: 'string', enum: CONSENT_CHANNELS }, purpose: { type: 'string', enum: CONSENT_PURPOSES } },
};
const ids = (description: string): JsonSchema => ({
  type: 'array',
  minItems: 1,
  maxItems: 10,
  uniqueItems: true,
  items: uuidSchema,
  description,
});
const consents: JsonSchema = { type: 'array', maxItems: 60, items: consentEntrySchema };
const changes: JsonSchema = { type: 'object', additionalProperties: false, properties: profileFieldSchemas };
const survivor = { ...uuidSchema, description: 'The surviving contact.' };
const mergeId = { ...uuidSchema, description: 'The merge; an undo names it.' };

const MERGED_DESCRIPTION =
  'Duplicates were merged into this contact (the survivor): its changed fields, the consents and company links it ' +
  "adopted. The merged contacts' own streams record ContactMergedInto; their interactions now belong to the survivor.";

/** Both versions: the data is the same, only whose key seals the changed values differs. */
const contactsMergedDefinition = {
  service: 'contacts',
  name: 'ContactsMerged',
  description: MERGED_DESCRIPTION,
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'mergeId', 'mergedContactIds', 'changes', 'consents', 'companyLinks', 'at'],
    properties: {
      contactId: survivor,
      mergeId,
      mergedContactIds: ids('The contacts merged into the survivor.'),
      changes,
      consents,
      companyLinks: {
        type: 'array',
        maxItems: 50,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['companyId'],
          properties: { companyId: uuidSchema, role: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
      at: { ...utcTimestampSchema, description: 'When the merge happened.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    mergedContactIds: ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41'],
    changes: { phones: [{ number: '+442071234567', primary: true }] },
    consents: [
      { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at: '2025-02-01T10:00:00.000Z' },
    ],
    companyLinks: [{ companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77', role: 'CTO' }],
    at: '2025-07-01T12:00:00.000Z',
  },
} satisfies Omit<EventDefinition<ContactsMergedData>, 'version'>;

/** v1 sealed the merged values with the survivor's key: they stayed readable after an undo and the duplicate's erasure. */
export const ContactsMergedV1 = defineEvent<ContactsMergedData>({ ...contactsMergedDefinition, version: 1 });

export const ContactsMerged = defineEvent<ContactsMergedData>({
  ...contactsMergedDefinition,
  version: 2,
  description:
    MERGED_DESCRIPTION +
    ' The changed values (which came from several people) are sealed with a key of the merge (`mergeId`), erased when ' +
    'the survivor or any merged contact is erased.',
  piiSubjectField: 'mergeId',
});

export const contactsMergedV1ToV2 = defineUpcaster(
  ContactsMergedV1,
  ContactsMerged,
  'Same data; from v2 on the changed values are sealed with the merge key (`mergeId`) instead of the survivor’s.',
  (data) => data,
);

export const ContactMergeUndone = defineEvent<ContactMergeUndoneData>({
  service: 'contacts',
  name: 'ContactMergeUndone',
  version: 1,
  description:
    'A merge into this contact was undone: the merged contacts live again on their own (ContactUnmerged on their streams), ' +
    'with their interactions; fields, consents and links the merge brought are restored where nothing changed them since.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'contactId',
      'mergeId',
      'restoredContactIds',
      'changes',
      'cleared',
      'consents',
      'removedConsents',
      'removedCompanyIds',
      'at',
    ],
    properties: {
      contactId: survivor,
      mergeId,
      restoredContactIds: ids('The contacts split off again.'),
      changes,
      cleared: {
        type: 'array',
        maxItems: OPTIONAL_PROFILE_FIELDS.length,
        uniqueItems: true,
        items: { type: 'string', enum: OPTIONAL_PROFILE_FIELDS },
      },
      consents,
      removedConsents: { type: 'array', maxItems: 60, items: consentKeySchema },
      removedCompanyIds: { type: 'array', maxItems: 50, uniqueItems: true, items: uuidSchema },
      at: { ...utcTimestampSchema, description: 'When the merge was undone.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    restoredContactIds: ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41'],
    changes: { phones: [] },
    cleared: [],
    consents: [],
    removedConsents: [{ channel: 'email', purpose: 'newsletter' }],
    removedCompanyIds: ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77'],
    at: '2025-07-02T08:00:00.000Z',
  },
});

const mergedIntoSchema = (description: string): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['contactId', 'survivorId', 'mergeId', 'at'],
  properties: {
    contactId: { ...uuidSchema, description: 'The merged contact.' },
    survivorId: survivor,
    mergeId,
    at: { ...utcTimestampSchema, description },
  },
});

export const ContactMergedInto = defineEvent<ContactMergedIntoData>({
  service: 'contacts',
  name: 'ContactMergedInto',
  version: 1,
  description: 'This contact was merged into another (the survivor): its id now resolves to the survivor.',
  customerIdField: 'contactId',
  schema: mergedIntoSchema('When the merge happened.'),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41',
    survivorId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    at: '2025-07-01T12:00:00.000Z',
  },
});

export const ContactUnmerged = defineEvent<ContactMergedIntoData>({
  service: 'contacts',
  name: 'ContactUnmerged',
  version: 1,
  description: 'The merge of this contact into the survivor was undone: it is a contact of its own again.',
  customerIdField: 'contactId',
  schema: mergedIntoSchema('When the merge was undone.'),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41',
    survivorId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    at: '2025-07-02T08:00:00.000Z',
  },
});
