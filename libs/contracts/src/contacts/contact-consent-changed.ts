import { Type } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

export const CONSENT_CHANNELS = ['email', 'phone', 'sms', 'post', 'chat', 'social'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONSENT_PURPOSES = ['marketing', 'newsletter', 'product-updates', 'surveys', 'profiling'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const ContactConsentChanged = defineEvent({
  service: 'contacts',
  name: 'ContactConsentChanged',
  version: 1,
  description:
    'A person granted or withdrew consent to be contacted on one channel for one purpose. The events of a contact are its ' +
    'consent ledger; for each channel and purpose the one with the latest `at` is the current state.',
  customerIdField: 'contactId',
  timeline: { category: 'consent', title: 'Consent recorded' },
  schema: Closed({
    contactId: Uuid({ description: 'The person.' }),
    channel: StringEnum(CONSENT_CHANNELS),
    purpose: StringEnum(CONSENT_PURPOSES),
    status: StringEnum(CONSENT_STATUSES),
    // `web-form`, `unsubscribe-link`, `phone-call`.
    source: Type.String({ minLength: 1, maxLength: 100, description: 'How it was given or withdrawn.' }),
    // May be before it was recorded, e.g. on import.
    at: UtcTimestamp({ description: 'When the person gave or withdrew it.' }),
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    channel: 'email',
    purpose: 'newsletter',
    status: 'granted',
    source: 'web-form',
    at: '2025-02-01T10:00:00.000Z',
  },
});
export type ContactConsentChangedData = DataOf<typeof ContactConsentChanged>;
