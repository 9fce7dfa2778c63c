import { Type, type Static } from '@sinclair/typebox';
import { Closed, Email, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
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

const participantSchema = Closed({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  email: Type.Optional(Email()),
  phone: Type.Optional(e164Schema),
  // When the participant is a contact of the CRM.
  contactId: Type.Optional(Uuid()),
});
export type InteractionParticipant = Static<typeof participantSchema>;

export const InteractionLogged = defineEvent({
  service: 'contacts',
  name: 'InteractionLogged',
  version: 1,
  description:
    'Something happened between the company and a customer on one channel: an e-mail, a call, a meeting, a visit, a ' +
    'note. Participants, subject and body are personal data. The stream id of an interaction with an external id is ' +
    'derived from it, so an integration that posts it twice creates one.',
  customerIdField: 'contactId',
  timeline: { category: 'interaction', title: 'Interaction logged' },
  schema: Closed({
    interactionId: Uuid({ description: 'The interaction.' }),
    contactId: Uuid({ description: 'The customer it was with.' }),
    channel: StringEnum(INTERACTION_CHANNELS),
    direction: StringEnum(INTERACTION_DIRECTIONS),
    // A call's start, an e-mail's sending.
    occurredAt: UtcTimestamp({ description: 'When it happened.' }),
    participants: pii(Type.Array(participantSchema, { maxItems: 50, description: 'Who took part besides the customer.' })),
    subject: Type.Optional(pii(Type.String({ minLength: 1, maxLength: 500 }))),
    // The body of a message or a summary of a call or meeting.
    body: Type.Optional(pii(Type.String({ minLength: 1, maxLength: 20000, description: 'Message body or summary.' }))),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    // `answered`, `voicemail`, `no-show`, `deal-discussed`.
    outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    // The id in the system it came from (mail server, telephony, chat tool): logging it again creates nothing.
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Id in the source system.' })),
    companyId: Type.Optional(Uuid({ description: 'The company it concerned, if any.' })),
    at: UtcTimestamp({ description: 'When it was logged.' }),
  }),
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
export type InteractionLoggedData = DataOf<typeof InteractionLogged>;
