import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { clearedProfileFieldsSchema, profileChangesSchema } from './contact-profile';

export const ContactUpdated = defineEvent({
  service: 'contacts',
  name: 'ContactUpdated',
  version: 1,
  description:
    "Some of a contact's profile fields changed: `changes` holds each changed field's new value, `cleared` the optional " +
    'fields removed. Fields not named kept their value. Replaces ContactRenamed and ContactEmailChanged, which older ' +
    'contacts still carry.',
  customerIdField: 'contactId',
  timeline: { category: 'profile', title: 'Profile updated' },
  schema: Closed({
    contactId: Uuid({ description: 'The updated contact.' }),
    // A list is replaced as a whole.
    changes: profileChangesSchema,
    cleared: clearedProfileFieldsSchema,
    at: UtcTimestamp({ description: 'When the contact changed.' }),
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    changes: { name: { given: 'Ada', family: 'King' }, lifecycleStage: 'customer', tags: ['vip', 'newsletter'] },
    cleared: ['jobTitle'],
    at: '2025-03-02T14:05:00.000Z',
  },
});
export type ContactUpdatedData = DataOf<typeof ContactUpdated>;
