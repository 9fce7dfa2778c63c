import { Type, type Static } from '@sinclair/typebox';
import { Closed, Email, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf, type EventOf } from '../contract';
import { pii } from '../json-schema';
import { e164Schema, fullPersonNameSchema } from '../contacts/contact-profile';
import { moneySchema } from './money';

/** Where a lead came from. */
export const LEAD_SOURCES = ['web', 'referral', 'campaign', 'event', 'import', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

/** Why a lead is not worth pursuing; reports count them. */
export const DISQUALIFICATION_REASONS = [
  'no-budget',
  'no-need',
  'no-authority',
  'bad-timing',
  'lost-to-competitor',
  'unreachable',
  'duplicate',
  'spam',
  'other',
] as const;
export type DisqualificationReason = (typeof DISQUALIFICATION_REASONS)[number];

/** Why a conversion did not complete (ADR 0020); a new attempt may follow. */
export const CONVERSION_FAILURE_REASONS = ['contact-erased', 'contact-not-found', 'deal-refused'] as const;
export type ConversionFailureReason = (typeof CONVERSION_FAILURE_REASONS)[number];

/** The person a lead is about, in the contact profile's shapes so that a conversion carries them over as they are. */
export const leadPersonSchema = Closed({
  name: fullPersonNameSchema,
  email: Type.Optional(pii(Email({ description: 'Normalized: trimmed, lower case.' }))),
  phone: Type.Optional(pii(e164Schema)),
});
export type LeadPerson = Static<typeof leadPersonSchema>;

// A lead is a person who may become a customer. Its id is their customer id until they are a contact (ADR 0020): the
// Kafka key of every lead event, the subject whose key seals its personal data, the id of a contact created for it.
const leadId = Uuid({ description: 'The lead: the customer id until the person is a contact.' });
// Counted, not bounded: a lead may be retried as often as it fails.
const attempt = Type.Integer({ minimum: 1, description: 'The conversion attempt, from 1.' });
const sales = (title: string) => ({ category: 'sales', title });

const LEAD_ID = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const OWNER_ID = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99';
const CONTACT_ID = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const DEAL_ID = '5d1f2c3e-8a4b-5c6d-9e0f-1a2b3c4d5e6f';
const ADA = {
  name: { given: 'Ada', family: 'Lovelace' },
  email: 'ada@example.com',
  phone: '+442071234567',
};

export const LeadCreated = defineEvent({
  service: 'sales',
  name: 'LeadCreated',
  version: 1,
  description:
    'A person who may become a customer was recorded as a lead: who they are, where they came from, who owns them. ' +
    'Name, e-mail, phone and notes are personal data, sealed with the key of the lead.',
  customerIdField: 'leadId',
  timeline: sales('Lead created'),
  schema: Closed({
    leadId,
    person: leadPersonSchema,
    // The organization they spoke for, as they gave it; not (yet) a company of the CRM.
    companyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Their organization.' })),
    source: StringEnum(LEAD_SOURCES, { description: 'Where the lead came from.' }),
    campaignId: Type.Optional(Uuid({ description: 'The marketing campaign it answered.' })),
    referredBy: Type.Optional(Uuid({ description: 'The contact who referred them.' })),
    notes: Type.Optional(pii(Type.String({ minLength: 1, maxLength: 5000, description: 'Free text about the person.' }))),
    ownerId: Type.Optional(Uuid({ description: 'The user who works the lead.' })),
    at: UtcTimestamp({ description: 'When the lead was recorded.' }),
  }),
  example: {
    leadId: LEAD_ID,
    person: ADA,
    companyName: 'Analytical Engines Ltd',
    source: 'campaign',
    campaignId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e66',
    notes: 'Asked for a demo of the reporting module.',
    ownerId: OWNER_ID,
    at: '2026-03-02T09:15:00.000Z',
  },
});
export type LeadCreatedData = DataOf<typeof LeadCreated>;

export const LeadQualified = defineEvent({
  service: 'sales',
  name: 'LeadQualified',
  version: 1,
  description: 'A lead was judged worth pursuing: it can be converted into a contact and a deal.',
  customerIdField: 'leadId',
  timeline: sales('Lead qualified'),
  schema: Closed({ leadId, at: UtcTimestamp({ description: 'When the lead was qualified.' }) }),
  example: { leadId: LEAD_ID, at: '2026-03-03T10:00:00.000Z' },
});
export type LeadQualifiedData = DataOf<typeof LeadQualified>;

export const LeadDisqualified = defineEvent({
  service: 'sales',
  name: 'LeadDisqualified',
  version: 1,
  description: 'A lead was judged not worth pursuing, with the reason; qualifying it later takes it up again.',
  customerIdField: 'leadId',
  timeline: sales('Lead disqualified'),
  schema: Closed({
    leadId,
    reason: StringEnum(DISQUALIFICATION_REASONS, { description: 'Why, as reports count it.' }),
    // Free text about the person, hence personal data.
    note: Type.Optional(pii(Type.String({ minLength: 1, maxLength: 1000, description: 'More on the reason.' }))),
    at: UtcTimestamp({ description: 'When the lead was disqualified.' }),
  }),
  example: { leadId: LEAD_ID, reason: 'no-budget', note: 'Budget frozen until next year.', at: '2026-03-03T10:00:00.000Z' },
});
export type LeadDisqualifiedData = DataOf<typeof LeadDisqualified>;

export const LeadOwnerAssigned = defineEvent({
  service: 'sales',
  name: 'LeadOwnerAssigned',
  version: 1,
  description: 'A user became the owner of a lead: the one who works it.',
  customerIdField: 'leadId',
  timeline: sales('Lead owner assigned'),
  schema: Closed({
    leadId,
    ownerId: Uuid({ description: 'The new owner (a user).' }),
    at: UtcTimestamp({ description: 'When the owner was assigned.' }),
  }),
  example: { leadId: LEAD_ID, ownerId: OWNER_ID, at: '2026-03-02T11:00:00.000Z' },
});
export type LeadOwnerAssignedData = DataOf<typeof LeadOwnerAssigned>;

export const LeadConversionRequested = defineEvent({
  service: 'sales',
  name: 'LeadConversionRequested',
  version: 1,
  description:
    'A user asked to convert a lead: contacts creates the person as a contact with the lead id (or links the existing ' +
    'contact named), then sales opens the deal with the id given here (ADR 0020). Carries the person as the lead holds ' +
    'it, so that contacts needs no call back.',
  customerIdField: 'leadId',
  timeline: sales('Lead conversion requested'),
  schema: Closed({
    leadId,
    attempt,
    person: leadPersonSchema,
    companyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Their organization.' })),
    source: StringEnum(LEAD_SOURCES, { description: 'Where the lead came from: the new contact’s source.' }),
    ownerId: Type.Optional(Uuid({ description: 'Owner of the deal, and of the contact if one is created.' })),
    // Absent: a new contact is created, with the lead's id.
    contactId: Type.Optional(Uuid({ description: 'An existing contact who is this person, to link.' })),
    pipelineId: Uuid({ description: 'The pipeline the deal opens in.' }),
    // Derived from the lead id: however often the step runs, one deal.
    dealId: Uuid({ description: 'The deal to open.' }),
    deal: Closed({
      title: Type.String({ minLength: 1, maxLength: 200, description: 'The deal’s title.' }),
      amount: moneySchema,
    }),
    at: UtcTimestamp({ description: 'When the conversion was requested.' }),
  }),
  example: {
    leadId: LEAD_ID,
    attempt: 1,
    person: ADA,
    companyName: 'Analytical Engines Ltd',
    source: 'campaign',
    ownerId: OWNER_ID,
    pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e70',
    dealId: DEAL_ID,
    deal: { title: 'Reporting module, 25 seats', amount: { amountMinor: 1250000, currency: 'EUR' } },
    at: '2026-03-05T14:00:00.000Z',
  },
});
export type LeadConversionRequestedData = DataOf<typeof LeadConversionRequested>;

export const LeadConverted = defineEvent({
  service: 'sales',
  name: 'LeadConverted',
  version: 1,
  description:
    'A lead became a contact and a deal. When the contact id differs from the lead id the lead was linked to an ' +
    'existing contact: the lead’s history belongs to that contact from now on.',
  customerIdField: 'leadId',
  timeline: sales('Lead converted'),
  schema: Closed({
    leadId,
    attempt,
    contactId: Uuid({ description: 'The contact the person is: the lead id when created for it.' }),
    contactCreated: Type.Boolean({ description: 'Whether the contact was created for the lead.' }),
    dealId: Uuid({ description: 'The deal opened.' }),
    at: UtcTimestamp({ description: 'When the conversion completed.' }),
  }),
  example: {
    leadId: LEAD_ID,
    attempt: 1,
    contactId: CONTACT_ID,
    contactCreated: false,
    dealId: DEAL_ID,
    at: '2026-03-05T14:00:01.000Z',
  },
});
export type LeadConvertedData = DataOf<typeof LeadConverted>;

export const LeadConversionFailed = defineEvent({
  service: 'sales',
  name: 'LeadConversionFailed',
  version: 1,
  description:
    'A conversion attempt did not complete, and why: the contact to link was erased or unknown, or the deal could not ' +
    'be opened. The lead can be converted again.',
  customerIdField: 'leadId',
  timeline: sales('Lead conversion failed'),
  schema: Closed({
    leadId,
    attempt,
    reason: StringEnum(CONVERSION_FAILURE_REASONS, { description: 'Why.' }),
    // Written by the services, never from user input: ids and rules, no personal data.
    detail: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'What refused it.' })),
    // A deal refused after the contact step: a retry links this contact again.
    contactId: Type.Optional(Uuid({ description: 'The contact already created or linked, if any.' })),
    at: UtcTimestamp({ description: 'When the attempt failed.' }),
  }),
  example: {
    leadId: LEAD_ID,
    attempt: 1,
    reason: 'contact-erased',
    detail: `Contact ${CONTACT_ID} was erased`,
    at: '2026-03-05T14:00:01.000Z',
  },
});
export type LeadConversionFailedData = DataOf<typeof LeadConversionFailed>;

export const LeadErased = defineEvent({
  service: 'sales',
  name: 'LeadErased',
  version: 1,
  description:
    "A lead's personal data was erased (GDPR): the key of the lead is deleted, so its sealed values now read as null. " +
    'Only a lead that never became a contact is erased this way; a converted one goes with its contact.',
  customerIdField: 'leadId',
  timeline: { category: 'privacy', title: 'Lead erased' },
  schema: Closed({ leadId, at: UtcTimestamp({ description: 'When the personal data was erased.' }) }),
  example: { leadId: LEAD_ID, at: '2026-04-01T08:00:00.000Z' },
});
export type LeadErasedData = DataOf<typeof LeadErased>;

/** The contracts of a lead's stream, in their current versions. */
export const leadStreamContracts = [
  LeadCreated,
  LeadQualified,
  LeadDisqualified,
  LeadOwnerAssigned,
  LeadConversionRequested,
  LeadConverted,
  LeadConversionFailed,
  LeadErased,
] as const;

/** The events of a lead's stream, in their current versions. */
export type LeadEvent = EventOf<(typeof leadStreamContracts)[number]>;
