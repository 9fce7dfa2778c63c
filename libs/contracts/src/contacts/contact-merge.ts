import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf, type EventDefinition } from '../contract';
import { defineUpcaster } from '../upcaster';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CONSENT_STATUSES } from './contact-consent-changed';
import {
  clearedProfileFieldsSchema,
  clearedProfileFieldsSchemaV3,
  profileChangesSchema,
  profileChangesSchemaV3,
} from './contact-profile';

/** One entry of the consent ledger, as a merge adopts or an undo restores it. */
export const consentEntrySchema = Closed({
  channel: StringEnum(CONSENT_CHANNELS),
  purpose: StringEnum(CONSENT_PURPOSES),
  status: StringEnum(CONSENT_STATUSES),
  source: Type.String({ minLength: 1, maxLength: 100 }),
  at: UtcTimestamp(),
});
export type ConsentEntry = Static<typeof consentEntrySchema>;

export const companyLinkSchema = Closed({
  companyId: Uuid(),
  role: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type CompanyLink = Static<typeof companyLinkSchema>;

const consentKeySchema = Closed({ channel: StringEnum(CONSENT_CHANNELS), purpose: StringEnum(CONSENT_PURPOSES) });
const ids = (description: string) => Type.Array(Uuid(), { minItems: 1, maxItems: 10, uniqueItems: true, description });
const consents = Type.Array(consentEntrySchema, { maxItems: 60 });
const survivor = Uuid({ description: 'The surviving contact.' });
const mergeId = Uuid({ description: 'The merge; an undo names it.' });
const mergeTimeline = (title: string) => ({ category: 'merge', title });

const MERGED_DESCRIPTION =
  'Duplicates were merged into this contact (the survivor): its changed fields, the consents and company links it ' +
  "adopted. The merged contacts' own streams record ContactMergedInto; their interactions now belong to the survivor.";

const contactsMergedSchemaOf = <Changes extends TSchema>(changes: Changes) =>
  Closed({
    contactId: survivor,
    mergeId,
    // They now resolve to the survivor.
    mergedContactIds: ids('The contacts merged into the survivor.'),
    // The survivor's fields that the merge changed, with their new values.
    changes,
    // Adopted from the merged contacts: newer than the survivor's own for that channel and purpose.
    consents,
    // Adopted from the merged contacts.
    companyLinks: Type.Array(companyLinkSchema, { maxItems: 50 }),
    at: UtcTimestamp({ description: 'When the merge happened.' }),
  });
const contactsMergedSchemaV3 = contactsMergedSchemaOf(profileChangesSchemaV3);

/** v1 and v2: the data is the same, only whose key seals the changed values differs. */
const contactsMergedDefinition = {
  service: 'contacts',
  name: 'ContactsMerged',
  description: MERGED_DESCRIPTION,
  customerIdField: 'contactId',
  timeline: mergeTimeline('Contacts merged'),
  schema: contactsMergedSchemaV3,
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
} satisfies Omit<EventDefinition<'ContactsMerged', typeof contactsMergedSchemaV3>, 'version'>;

/** v1 sealed the merged values with the survivor's key: they stayed readable after an undo and the duplicate's erasure. */
export const ContactsMergedV1 = defineEvent({ ...contactsMergedDefinition, version: 1 });

const SEALED_BY_MERGE =
  ' The changed values (which came from several people) are sealed with a key of the merge (`mergeId`), erased when ' +
  'the survivor or any merged contact is erased.';

export const ContactsMergedV2 = defineEvent({
  ...contactsMergedDefinition,
  version: 2,
  description: MERGED_DESCRIPTION + SEALED_BY_MERGE,
  piiSubjectField: 'mergeId',
});

/** v3: the changed values may hold the current profile's name (or a name's absence), phone extensions and `sourceCreatedAt`. */
export const ContactsMerged = defineEvent({
  ...contactsMergedDefinition,
  version: 3,
  description: MERGED_DESCRIPTION + SEALED_BY_MERGE,
  piiSubjectField: 'mergeId',
  schema: contactsMergedSchemaOf(profileChangesSchema),
  example: {
    ...contactsMergedDefinition.example,
    changes: { phones: [{ number: '+442071234567', extension: '12', primary: true }] },
  },
});
export type ContactsMergedData = DataOf<typeof ContactsMerged>;

export const contactsMergedV1ToV2 = defineUpcaster(
  ContactsMergedV1,
  ContactsMergedV2,
  'Same data; from v2 on the changed values are sealed with the merge key (`mergeId`) instead of the survivor’s.',
  (data) => data,
);

export const contactsMergedV2ToV3 = defineUpcaster(
  ContactsMergedV2,
  ContactsMerged,
  'Same data: v3 only allows more in `changes` (a name without a given name, phone extensions, `sourceCreatedAt`).',
  (data) => data,
);

const mergeUndoneSchemaOf = <Changes extends TSchema, Cleared extends TSchema>(changes: Changes, cleared: Cleared) =>
  Closed({
    contactId: survivor,
    mergeId,
    restoredContactIds: ids('The contacts split off again.'),
    // Fields restored to their value before the merge (those not changed since).
    changes,
    // Optional fields that had no value before the merge.
    cleared,
    // Consents as they were before the merge, for channels and purposes not changed since.
    consents,
    // Consents that did not exist before the merge.
    removedConsents: Type.Array(consentKeySchema, { maxItems: 60 }),
    // Links the merge had adopted.
    removedCompanyIds: Type.Array(Uuid(), { maxItems: 50, uniqueItems: true }),
    at: UtcTimestamp({ description: 'When the merge was undone.' }),
  });

const mergeUndoneSchemaV1 = mergeUndoneSchemaOf(profileChangesSchemaV3, clearedProfileFieldsSchemaV3);

/** Both versions but for the schema: v2 takes the current profile's values. */
const mergeUndoneDefinition = {
  service: 'contacts',
  name: 'ContactMergeUndone',
  description:
    'A merge into this contact was undone: the merged contacts live again on their own (ContactUnmerged on their streams), ' +
    'with their interactions; fields, consents and links the merge brought are restored where nothing changed them since.',
  customerIdField: 'contactId',
  timeline: mergeTimeline('Merge undone'),
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
} satisfies Omit<EventDefinition<'ContactMergeUndone', typeof mergeUndoneSchemaV1>, 'version' | 'schema'>;

export const ContactMergeUndoneV1 = defineEvent({ ...mergeUndoneDefinition, version: 1, schema: mergeUndoneSchemaV1 });

/** v2: the restored values may hold the current profile's name (or clear it), phone extensions and `sourceCreatedAt`. */
export const ContactMergeUndone = defineEvent({
  ...mergeUndoneDefinition,
  version: 2,
  schema: mergeUndoneSchemaOf(profileChangesSchema, clearedProfileFieldsSchema),
  example: { ...mergeUndoneDefinition.example, cleared: ['name'] },
});
export type ContactMergeUndoneData = DataOf<typeof ContactMergeUndone>;

export const contactMergeUndoneV1ToV2 = defineUpcaster(
  ContactMergeUndoneV1,
  ContactMergeUndone,
  'Same data: v2 only allows more (a cleared name, phone extensions, `sourceCreatedAt`).',
  (data) => data,
);

const mergedIntoSchema = (description: string) =>
  Closed({
    contactId: Uuid({ description: 'The merged contact.' }),
    survivorId: survivor,
    mergeId,
    at: UtcTimestamp({ description }),
  });

export const ContactMergedInto = defineEvent({
  service: 'contacts',
  name: 'ContactMergedInto',
  version: 1,
  description: 'This contact was merged into another (the survivor): its id now resolves to the survivor.',
  customerIdField: 'contactId',
  timeline: mergeTimeline('Merged into another contact'),
  schema: mergedIntoSchema('When the merge happened.'),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41',
    survivorId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    at: '2025-07-01T12:00:00.000Z',
  },
});
/** ContactUnmerged carries the same data. */
export type ContactMergedIntoData = DataOf<typeof ContactMergedInto>;

export const ContactUnmerged = defineEvent({
  service: 'contacts',
  name: 'ContactUnmerged',
  version: 1,
  description: 'The merge of this contact into the survivor was undone: it is a contact of its own again.',
  customerIdField: 'contactId',
  timeline: mergeTimeline('Split off again by an undone merge'),
  schema: mergedIntoSchema('When the merge was undone.'),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41',
    survivorId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    mergeId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88',
    at: '2025-07-02T08:00:00.000Z',
  },
});
