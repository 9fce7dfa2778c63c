import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { defineUpcaster } from '../upcaster';
import {
  clearedProfileFieldsSchema,
  clearedProfileFieldsSchemaV3,
  profileChangesSchema,
  profileChangesSchemaV3,
} from './contact-profile';

const contactId = Uuid({ description: 'The updated contact.' });
const at = UtcTimestamp({ description: 'When the contact changed.' });
const UPDATED_DESCRIPTION =
  "Some of a contact's profile fields changed: `changes` holds each changed field's new value, `cleared` the optional " +
  'fields removed. Fields not named kept their value. Replaces ContactRenamed and ContactEmailChanged, which older ' +
  'contacts still carry.';
const timeline = { category: 'profile', title: 'Profile updated' };

/** The first shape: a name always kept a given name, phones had no extension. */
export const ContactUpdatedV1 = defineEvent({
  service: 'contacts',
  name: 'ContactUpdated',
  version: 1,
  description: UPDATED_DESCRIPTION,
  customerIdField: 'contactId',
  timeline,
  // A list is replaced as a whole.
  schema: Closed({ contactId, changes: profileChangesSchemaV3, cleared: clearedProfileFieldsSchemaV3, at }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    changes: { name: { given: 'Ada', family: 'King' }, lifecycleStage: 'customer', tags: ['vip', 'newsletter'] },
    cleared: ['jobTitle'],
    at: '2025-03-02T14:05:00.000Z',
  },
});

/** The current shape: the name may be cleared (an e-mail address or a phone number remains), phones have extensions. */
export const ContactUpdated = defineEvent({
  service: 'contacts',
  name: 'ContactUpdated',
  version: 2,
  description: UPDATED_DESCRIPTION + ' A cleared `name` leaves a contact known by its e-mail address or phone number.',
  customerIdField: 'contactId',
  timeline,
  // A list is replaced as a whole.
  schema: Closed({ contactId, changes: profileChangesSchema, cleared: clearedProfileFieldsSchema, at }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    changes: {
      lifecycleStage: 'customer',
      phones: [{ number: '+442071234567', extension: '12', primary: true }],
      tags: ['vip', 'newsletter'],
    },
    cleared: ['name', 'jobTitle'],
    at: '2025-03-02T14:05:00.000Z',
  },
});
export type ContactUpdatedData = DataOf<typeof ContactUpdated>;

export const contactUpdatedV1ToV2 = defineUpcaster(
  ContactUpdatedV1,
  ContactUpdated,
  'Same data: v2 only allows more (a cleared name, phone extensions, `sourceCreatedAt`).',
  (data) => data,
);
