import { Type } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

/** Why contacts could not link a lead being converted to a contact (ADR 0020); sales records it as the attempt's failure. */
export const LEAD_LINK_REFUSAL_REASONS = ['contact-erased', 'contact-not-found'] as const;
export type LeadLinkRefusalReason = (typeof LEAD_LINK_REFUSAL_REASONS)[number];

const leadId = Uuid({ description: 'The lead (sales) being converted.' });
// Counted, not bounded: a lead may be retried as often as it fails.
const attempt = Type.Integer({ minimum: 1, description: 'The conversion attempt it answers, from 1.' });

const LEAD_ID = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const CONTACT_ID = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';

export const ContactLinkedToLead = defineEvent({
  service: 'contacts',
  name: 'ContactLinkedToLead',
  version: 1,
  description:
    'This contact is the person a lead (sales) was about: created for the lead’s conversion (then its id is the lead’s) ' +
    'or existing and linked to it. Answers one attempt of LeadConversionRequested; sales then opens the deal. Erasing ' +
    'the contact also erases the key of every lead linked on its stream (ADR 0020).',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Linked to a lead' },
  schema: Closed({
    contactId: Uuid({ description: 'The contact: the lead id when created for it.' }),
    leadId,
    attempt,
    created: Type.Boolean({ description: 'Whether the contact was created for the lead (in the same append).' }),
    at: UtcTimestamp({ description: 'When the link was recorded.' }),
  }),
  example: { contactId: CONTACT_ID, leadId: LEAD_ID, attempt: 1, created: false, at: '2026-03-05T14:00:00.500Z' },
});
export type ContactLinkedToLeadData = DataOf<typeof ContactLinkedToLead>;

export const LeadLinkRefused = defineEvent({
  service: 'contacts',
  name: 'LeadLinkRefused',
  version: 1,
  description:
    'A lead (sales) could not be linked to the contact its conversion named: that contact was erased, or is unknown. ' +
    'Answers one attempt of LeadConversionRequested; sales records the attempt as failed. On the stream ' +
    '`lead-link-<leadId>` and the lead’s timeline, so that an erased person’s stream gets nothing new.',
  customerIdField: 'leadId',
  timeline: { category: 'sales', title: 'Contact link refused' },
  schema: Closed({
    leadId,
    attempt,
    contactId: Uuid({ description: 'The contact that could not be linked (after its merges).' }),
    reason: StringEnum(LEAD_LINK_REFUSAL_REASONS, { description: 'Why.' }),
    at: UtcTimestamp({ description: 'When the link was refused.' }),
  }),
  example: {
    leadId: LEAD_ID,
    attempt: 1,
    contactId: CONTACT_ID,
    reason: 'contact-erased',
    at: '2026-03-05T14:00:00.500Z',
  },
});
export type LeadLinkRefusedData = DataOf<typeof LeadLinkRefused>;
