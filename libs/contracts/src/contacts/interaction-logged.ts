import { emailSchema, utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { pii } from '../json-schema';
import { e164Schema } from './contact-profile';

export const INTERACTION_CHANNELS = [
  'email',
  'phone-call',
  'sms',
  'chat',
  'social-message',
  'meeting',
  'in-person-visit',
  'web-visit',
  'note',
] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export const INTERACTION_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type InteractionDirection = (typeof INTERACTION_DIRECTIONS)[number];

export interface InteractionParticipant {
  name?: string;
  email?: string;
  phone?: string;
  /** When the participant is a contact of the CRM. */
  contactId?: string;
}

export interface InteractionLoggedData {
  interactionId: string;
  /** The customer the interaction was with. */
  contactId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  /** When it happened (a call's start, an e-mail's sending). */
  occurredAt: string;
  participants: InteractionParticipant[];
  subject?: string;
  /** The body of a message or a summary of a call or meeting. */
  body?: string;
  durationSeconds?: number;
  /** `answered`, `voicemail`, `no-show`, `deal-discussed`. */
  outcome?: string;
  /** The id in the system it came from (mail server, telephony, chat tool): logging it again creates nothing. */
  externalId?: string;
  companyId?: string;
  at: string;
}

export const InteractionLogged = defineEvent<InteractionLoggedData>({
  service: 'contacts',
  name: 'InteractionLogged',
  version: 1,
  description:
    'Something happened between the company and a customer on one channel: an e-mail, a call, a meeting, a visit, a ' +
    'note. Participants, subject and body are personal data. The stream id of an interaction with an external id is ' +
    'derived from it, so an integration that posts it twice creates one.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['interactionId', 'contactId', 'channel', 'direction', 'occurredAt', 'participants', 'at'],
    properties: {
      interactionId: { ...uuidSchema, description: 'The interaction.' },
      contactId: { ...uuidSchema, description: 'The customer it was with.' },
      channel: { type: 'string', enum: INTERACTION_CHANNELS },
      direction: { type: 'string', enum: INTERACTION_DIRECTIONS },
      occurredAt: { ...utcTimestampSchema, description: 'When it happened.' },
      participants: pii({
        type: 'array',
        maxItems: 50,
        description: 'Who took part besides the customer.',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            email: emailSchema,
            phone: e164Schema,
            contactId: uuidSchema,
          },
        },
      }),
      subject: pii({ type: 'string', minLength: 1, maxLength: 500 }),
      body: pii({ type: 'string', minLength: 1, maxLength: 20000, description: 'Message body or summary.' }),
      durationSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
      outcome: { type: 'string', minLength: 1, maxLength: 100 },
      externalId: { type: 'string', minLength: 1, maxLength: 200, description: 'Id in the source system.' },
      companyId: { ...uuidSchema, description: 'The company it concerned, if any.' },
      at: { ...utcTimestampSchema, description: 'When it was logged.' },
    },
  },
  example: {
    interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    channel: 'phone-call',
    direction: 'outbound',
    occurredAt: '2025-02-03T15:00:00.000Z',
    participants: [{ name: 'Charles Babbage', email: 'charles@example.com', phone: '+442071234000' }],
    subject: 'Renewal',
    body: 'Discussed the renewal; she wants a quote by Friday.',
    durationSeconds: 540,
    outcome: 'answered',
    externalId: 'call-7781',
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    at: '2025-02-03T15:10:00.000Z',
  },
});
