import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { OPTIONAL_PROFILE_FIELDS, profileFieldSchemas, type ContactProfile, type OptionalProfileField } from './contact-profile';

export interface ContactUpdatedData {
  contactId: string;
  /** The fields that changed, each with its whole new value (a list is replaced as a whole). */
  changes: Partial<ContactProfile>;
  /** Optional fields that were removed. */
  cleared: OptionalProfileField[];
  at: string;
}

export const ContactUpdated = defineEvent<ContactUpdatedData>({
  service: 'contacts',
  name: 'ContactUpdated',
  version: 1,
  description:
    "Some of a contact's profile fields changed: `changes` holds each changed field's new value, `cleared` the optional " +
    'fields removed. Fields not named kept their value. Replaces ContactRenamed and ContactEmailChanged, which older ' +
    'contacts still carry.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'changes', 'cleared', 'at'],
    properties: {
      contactId: { ...uuidSchema, description: 'The updated contact.' },
      changes: { type: 'object', additionalProperties: false, properties: profileFieldSchemas },
      cleared: {
        type: 'array',
        maxItems: OPTIONAL_PROFILE_FIELDS.length,
        uniqueItems: true,
        items: { type: 'string', enum: OPTIONAL_PROFILE_FIELDS },
      },
      at: { ...utcTimestampSchema, description: 'When the contact changed.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    changes: { name: { given: 'Ada', family: 'King' }, lifecycleStage: 'customer', tags: ['vip', 'newsletter'] },
    cleared: ['jobTitle'],
    at: '2025-03-02T14:05:00.000Z',
  },
});
