import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';

export const CONSENT_CHANNELS = ['email', 'phone', 'sms', 'post', 'chat', 'social'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONSENT_PURPOSES = ['marketing', 'newsletter', 'product-updates', 'surveys', 'profiling'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export type ConsentStatus = 'granted' | 'withdrawn';

export interface ContactConsentChangedData {
  contactId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  status: ConsentStatus;
  /** How the consent was given or withdrawn: `web-form`, `unsubscribe-link`, `phone-call`. */
  source: string;
  /** When the person gave or withdrew it (may be before it was recorded, e.g. on import). */
  at: string;
}

export const ContactConsentChanged = defineEvent<ContactConsentChangedData>({
  service: 'contacts',
  name: 'ContactConsentChanged',
  version: 1,
  description:
    'A person granted or withdrew consent to be contacted on one channel for one purpose. The events of a contact are its ' +
    'consent ledger; for each channel and purpose the one with the latest `at` is the current state.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'channel', 'purpose', 'status', 'source', 'at'],
    properties: {
      contactId: { ...uuidSchema, description: 'The person.' },
      channel: { type: 'string', enum: CONSENT_CHANNELS },
      purpose: { type: 'string', enum: CONSENT_PURPOSES },
      status: { type: 'string', enum: ['granted', 'withdrawn'] },
      source: { type: 'string', minLength: 1, maxLength: 100, description: 'How it was given or withdrawn.' },
      at: { ...utcTimestampSchema, description: 'When the person gave or withdrew it.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    channel: 'email',
    purpose: 'newsletter',
    status: 'granted',
    source: 'web-form',
    at: '2025-02-01T10:00:00.000Z',
  },
});
