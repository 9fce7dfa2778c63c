import type { LeadEvent } from '@crm/contracts';
import { projectionSpec, type GivenEvent } from '@crm/projections/testing';
import { orderIsIndexed } from '@crm/read-api';
import { leadListProjection, type LeadListDocument } from './lead-list';

const leadId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const ownerId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e70';
const dealId = '5d1f2c3e-8a4b-5c6d-9e0f-1a2b3c4d5e6f';
const day = (n: number) => `2026-03-${String(n).padStart(2, '0')}T10:00:00.000Z`;

// What the relay publishes: personal values sealed (stand-ins here), the rest in the clear.
const SEALED = { name: 'sealed:name', email: 'sealed:email' };
const person = { name: { given: 'Ada', family: 'Lovelace' }, email: 'ada@example.com' };

/** An event as the projection receives it: opened, and sealed as published beside it. */
const received = (event: LeadEvent, sealed: Record<string, unknown> = event.data): GivenEvent => ({
  ...event,
  sealed: { version: 1, data: sealed },
});
const created = received(
  { type: 'LeadCreated', data: { leadId, person, source: 'campaign', notes: 'Wants a demo', ownerId, at: day(1) } },
  { leadId, person: SEALED, source: 'campaign', notes: 'sealed:notes', ownerId, at: day(1) },
);
const disqualified = received(
  { type: 'LeadDisqualified', data: { leadId, reason: 'no-budget', note: 'Frozen', at: day(2) } },
  { leadId, reason: 'no-budget', note: 'sealed:note', at: day(2) },
);
const qualified = received({ type: 'LeadQualified', data: { leadId, at: day(3) } });
const requestedAttempt = (attempt: number, at: string) =>
  received({
    type: 'LeadConversionRequested',
    data: {
      leadId,
      attempt,
      person,
      source: 'campaign',
      contactId,
      pipelineId,
      dealId,
      deal: { title: 'Engines', amount: { amountMinor: 100, currency: 'EUR' } },
      at,
    },
  });
const requested = requestedAttempt(1, day(4));

const newLead: LeadListDocument = {
  leadId,
  status: 'new',
  source: 'campaign',
  ownerId,
  createdAt: day(1),
  updatedAt: day(1),
  sealed: [{ type: 'LeadCreated', dataVersion: 1, data: { leadId, person: SEALED, notes: 'sealed:notes' } }],
};

describe('lead list', () => {
  it('keeps the person and notes sealed as published, and the rest in the clear', () => {
    projectionSpec(leadListProjection).given([created]).thenDocument(leadId, newLead);
  });

  it('keeps a disqualification’s note sealed until the lead is qualified again', () => {
    const note = { type: 'LeadDisqualified' as const, dataVersion: 1, data: { leadId, note: 'sealed:note' } };
    projectionSpec(leadListProjection)
      .given([created, disqualified])
      .thenDocument(leadId, {
        ...newLead,
        status: 'disqualified',
        disqualificationReason: 'no-budget',
        updatedAt: day(2),
        sealed: [...newLead.sealed, note],
      });
    projectionSpec(leadListProjection)
      .given([created, disqualified, qualified])
      .thenDocument(leadId, { ...newLead, status: 'qualified', updatedAt: day(3) });
  });

  it('follows a conversion: converting with the attempt, then converted with the contact and the deal', () => {
    const converted = received({
      type: 'LeadConverted',
      data: { leadId, attempt: 1, contactId, contactCreated: false, dealId, at: day(5) },
    });
    projectionSpec(leadListProjection)
      .given([created, qualified, requested, converted])
      .thenDocument(leadId, { ...newLead, status: 'converted', attempt: 1, contactId, dealId, updatedAt: day(5) });
  });

  it('shows a failed attempt with why; a new one clears it', () => {
    const failed = received({
      type: 'LeadConversionFailed',
      data: { leadId, attempt: 1, reason: 'contact-erased', at: day(5) },
    });
    projectionSpec(leadListProjection)
      .given([created, qualified, requested, failed])
      .thenDocument(leadId, {
        ...newLead,
        status: 'conversion-failed',
        attempt: 1,
        contactId,
        failureReason: 'contact-erased',
        updatedAt: day(5),
      });
    projectionSpec(leadListProjection)
      .given([created, qualified, requested, failed, requestedAttempt(2, day(6))])
      .thenDocument(leadId, { ...newLead, status: 'converting', attempt: 2, contactId, updatedAt: day(6) });
  });

  it('drops the sealed values of an erased lead', () => {
    const erased = received({ type: 'LeadErased', data: { leadId, at: day(7) } });
    projectionSpec(leadListProjection)
      .given([created, disqualified, erased])
      .thenDocument(leadId, {
        ...newLead,
        status: 'erased',
        disqualificationReason: 'no-budget',
        updatedAt: day(7),
        sealed: [],
      });
  });

  it.each([[['status']], [['ownerId']], [['source']], [['ownerId', 'status']], [[]]])(
    'lists leads narrowed by %j newest first, through an index',
    (scope) => {
      expect(orderIsIndexed(leadListProjection.indexes ?? [], { scope, sort: { createdAt: -1, _id: -1 } })).toBe(true);
    },
  );
});
