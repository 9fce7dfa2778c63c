import { fold } from '@crm/eventsourcing';
import { spec } from '@crm/eventsourcing/testing';
import type { LeadEvent, LeadPerson } from '@crm/contracts';
import {
  awaitsConversion,
  LeadAlreadyConverted,
  LeadAlreadyExists,
  LeadConversionInProgress,
  leadDecider,
  LeadDisqualifiedError,
  LeadErasedError,
  LeadHasContact,
  LeadLinkedToAnotherContact,
  LeadNotFound,
  LeadNotQualified,
  type LeadCommand,
} from './lead';
import { UnknownCurrency } from './money';

const leadId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const ownerId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99';
const otherOwnerId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e98';
const existingContactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const otherContactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e70';
const dealId = '5d1f2c3e-8a4b-5c6d-9e0f-1a2b3c4d5e6f';
const t1 = '2026-03-01T09:00:00.000Z';
const t2 = '2026-03-02T09:00:00.000Z';
const t3 = '2026-03-03T09:00:00.000Z';
const t4 = '2026-03-04T09:00:00.000Z';

const ada: LeadPerson = { name: { given: 'Ada', family: 'Lovelace' }, email: 'ada@example.com', phone: '+442071234567' };
const deal = { title: 'Reporting module', amount: { amountMinor: 1_250_000, currency: 'EUR' } };

// Events, as the lead records them.
const created: LeadEvent = {
  type: 'LeadCreated',
  data: { leadId, person: ada, source: 'referral', referredBy: existingContactId, notes: 'Met at the fair', ownerId, at: t1 },
};
const qualified: LeadEvent = { type: 'LeadQualified', data: { leadId, at: t2 } };
const disqualified: LeadEvent = { type: 'LeadDisqualified', data: { leadId, reason: 'no-budget', at: t2 } };
const requested = (attempt = 1, extra: { contactId?: string } = {}): LeadEvent => ({
  type: 'LeadConversionRequested',
  data: { leadId, attempt, person: ada, source: 'referral', ownerId, ...extra, pipelineId, dealId, deal, at: t3 },
});
const converted = (contactId = leadId, attempt = 1): LeadEvent => ({
  type: 'LeadConverted',
  data: { leadId, attempt, contactId, contactCreated: contactId === leadId, dealId, at: t4 },
});
const failed = (attempt = 1, contactId?: string): LeadEvent => ({
  type: 'LeadConversionFailed',
  data: {
    leadId,
    attempt,
    reason: contactId ? 'deal-refused' : 'contact-erased',
    ...(contactId ? { contactId } : {}),
    at: t4,
  },
});
const erased: LeadEvent = { type: 'LeadErased', data: { leadId, at: t4 } };
/** LeadCreated as it reads once its key is gone: every personal value null. */
const createdAndErasedWithItsContact = {
  ...created,
  data: { ...created.data, person: { name: null, email: null, phone: null }, notes: null },
} as unknown as LeadEvent;

// Commands.
const qualify: LeadCommand = { type: 'QualifyLead', data: { leadId, now: t3 } };
const disqualify = (reason: 'no-budget' | 'spam' = 'no-budget', note?: string): LeadCommand => ({
  type: 'DisqualifyLead',
  data: { leadId, reason, ...(note === undefined ? {} : { note }), now: t3 },
});
const assign = (owner: string): LeadCommand => ({ type: 'AssignLeadOwner', data: { leadId, ownerId: owner, now: t3 } });
const convert = (request: { contactId?: string; ownerId?: string; currency?: string } = {}): LeadCommand => ({
  type: 'ConvertLead',
  data: {
    leadId,
    ...(request.contactId ? { contactId: request.contactId } : {}),
    ...(request.ownerId ? { ownerId: request.ownerId } : {}),
    pipelineId,
    dealId,
    deal: { ...deal, amount: { ...deal.amount, currency: request.currency ?? 'EUR' } },
    now: t3,
  },
});
const complete = (attempt = 1, contactId = leadId): LeadCommand => ({
  type: 'CompleteConversion',
  data: { leadId, attempt, contactId, contactCreated: contactId === leadId, now: t4 },
});
const fail = (attempt = 1): LeadCommand => ({
  type: 'FailConversion',
  data: { leadId, attempt, reason: 'contact-erased', now: t4 },
});
const erase: LeadCommand = { type: 'EraseLead', data: { leadId, now: t4 } };

describe('Lead', () => {
  describe('CreateLead', () => {
    const create: LeadCommand = {
      type: 'CreateLead',
      data: {
        leadId,
        person: ada,
        source: 'referral',
        referredBy: existingContactId,
        notes: 'Met at the fair',
        ownerId,
        now: t1,
      },
    };

    it('records the person, where they came from and their owner', () =>
      spec(leadDecider).given([]).when(create).then([created]));

    it('refuses an id taken, also by an erased lead', () => {
      spec(leadDecider).given([created]).when(create).thenThrows(LeadAlreadyExists);
      spec(leadDecider).given([created, erased]).when(create).thenThrows(LeadAlreadyExists);
    });
  });

  describe('QualifyLead', () => {
    it('qualifies a new lead, and takes a disqualified one up again', () => {
      spec(leadDecider)
        .given([created])
        .when(qualify)
        .then([{ type: 'LeadQualified', data: { leadId, at: t3 } }]);
      spec(leadDecider)
        .given([created, disqualified])
        .when(qualify)
        .then([{ type: 'LeadQualified', data: { leadId, at: t3 } }]);
    });

    it('records nothing for a lead qualified already, or qualified with a failed conversion', () => {
      spec(leadDecider).given([created, qualified]).when(qualify).then([]);
      spec(leadDecider).given([created, qualified, requested(), failed()]).when(qualify).then([]);
    });

    it('refuses a lead being converted, converted, erased or unknown', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(qualify).thenThrows(LeadConversionInProgress);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(qualify).thenThrows(LeadAlreadyConverted);
      spec(leadDecider).given([created, erased]).when(qualify).thenThrows(LeadErasedError);
      spec(leadDecider).given([]).when(qualify).thenThrows(LeadNotFound);
    });
  });

  describe('DisqualifyLead', () => {
    it('records the reason, with a note when given', () =>
      spec(leadDecider)
        .given([created, qualified])
        .when(disqualify('spam', 'Bought list'))
        .then([{ type: 'LeadDisqualified', data: { leadId, reason: 'spam', note: 'Bought list', at: t3 } }]));

    it('gives up on a lead whose conversion failed', () =>
      spec(leadDecider)
        .given([created, qualified, requested(), failed()])
        .when(disqualify())
        .then([{ type: 'LeadDisqualified', data: { leadId, reason: 'no-budget', at: t3 } }]));

    it('records nothing for the same reason again, but another reason', () => {
      spec(leadDecider).given([created, disqualified]).when(disqualify()).then([]);
      spec(leadDecider)
        .given([created, disqualified])
        .when(disqualify('spam'))
        .then([{ type: 'LeadDisqualified', data: { leadId, reason: 'spam', at: t3 } }]);
    });

    it('refuses a lead being converted or converted', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(disqualify()).thenThrows(LeadConversionInProgress);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(disqualify()).thenThrows(LeadAlreadyConverted);
    });
  });

  describe('AssignLeadOwner', () => {
    it('assigns another owner, also while the lead is being converted', () => {
      const assigned: LeadEvent = { type: 'LeadOwnerAssigned', data: { leadId, ownerId: otherOwnerId, at: t3 } };
      spec(leadDecider).given([created]).when(assign(otherOwnerId)).then([assigned]);
      spec(leadDecider).given([created, qualified, requested()]).when(assign(otherOwnerId)).then([assigned]);
    });

    it('records nothing for the owner it has', () => spec(leadDecider).given([created]).when(assign(ownerId)).then([]));

    it('refuses a converted or erased lead', () => {
      spec(leadDecider)
        .given([created, qualified, requested(), converted()])
        .when(assign(otherOwnerId))
        .thenThrows(LeadAlreadyConverted);
      spec(leadDecider).given([created, erased]).when(assign(otherOwnerId)).thenThrows(LeadErasedError);
    });
  });

  describe('ConvertLead', () => {
    it('requests attempt 1 with the person as the lead holds it, and the lead’s owner for the deal', () =>
      spec(leadDecider).given([created, qualified]).when(convert()).then([requested()]));

    it('names an existing contact to link, and another owner when asked', () =>
      spec(leadDecider)
        .given([created, qualified])
        .when(convert({ contactId: existingContactId, ownerId: otherOwnerId }))
        .then([
          {
            type: 'LeadConversionRequested',
            data: {
              leadId,
              attempt: 1,
              person: ada,
              source: 'referral',
              ownerId: otherOwnerId,
              contactId: existingContactId,
              pipelineId,
              dealId,
              deal,
              at: t3,
            },
          },
        ]));

    it('tries again after a failed attempt, as attempt 2', () =>
      spec(leadDecider)
        .given([created, qualified, requested(), failed()])
        .when(convert())
        .then([requested(2)]));

    it('converts into the contact a failed attempt had already linked, and refuses another', () => {
      spec(leadDecider)
        .given([created, qualified, requested(1, { contactId: existingContactId }), failed(1, existingContactId)])
        .when(convert())
        .then([requested(2, { contactId: existingContactId })]);
      spec(leadDecider)
        .given([created, qualified, requested(), failed(1, leadId)])
        .when(convert({ contactId: otherContactId }))
        .thenThrows(LeadLinkedToAnotherContact);
    });

    it('records nothing for the same request while converting, and refuses another', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(convert()).then([]);
      spec(leadDecider)
        .given([created, qualified, requested()])
        .when(convert({ contactId: existingContactId }))
        .thenThrows(LeadConversionInProgress);
    });

    it('refuses a lead not qualified yet, disqualified, converted or erased', () => {
      spec(leadDecider).given([created]).when(convert()).thenThrows(LeadNotQualified);
      spec(leadDecider).given([created, disqualified]).when(convert()).thenThrows(LeadDisqualifiedError);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(convert()).thenThrows(LeadAlreadyConverted);
      spec(leadDecider).given([created, erased]).when(convert()).thenThrows(LeadErasedError);
    });

    it('refuses a lead whose personal data was erased with the contact a failed attempt had created', () =>
      spec(leadDecider)
        .given([createdAndErasedWithItsContact, qualified, requested(), failed(1, leadId)])
        .when(convert())
        .thenThrows(LeadErasedError));

    it('refuses a deal amount in a currency not in use', () =>
      spec(leadDecider)
        .given([created, qualified])
        .when(convert({ currency: 'XXX' }))
        .thenThrows(UnknownCurrency));
  });

  describe('CompleteConversion', () => {
    it('records the contact and the deal of the attempt awaited', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(complete()).then([converted()]);
      spec(leadDecider)
        .given([created, qualified, requested(1, { contactId: existingContactId })])
        .when(complete(1, existingContactId))
        .then([converted(existingContactId)]);
    });

    it('records nothing for a reply to an older attempt, or one delivered again', () => {
      spec(leadDecider)
        .given([created, qualified, requested(), failed(), requested(2)])
        .when(complete(1))
        .then([]);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(complete()).then([]);
    });
  });

  describe('FailConversion', () => {
    it('records why the attempt awaited failed', () =>
      spec(leadDecider).given([created, qualified, requested()]).when(fail()).then([failed()]));

    it('keeps the contact a refused deal leaves linked, for the next attempt', () => {
      const detail = `Pipeline ${pipelineId} is retired`;
      spec(leadDecider)
        .given([created, qualified, requested()])
        .when({
          type: 'FailConversion',
          data: { leadId, attempt: 1, reason: 'deal-refused', detail, contactId: leadId, now: t4 },
        })
        .then([
          {
            type: 'LeadConversionFailed',
            data: { leadId, attempt: 1, reason: 'deal-refused', detail, contactId: leadId, at: t4 },
          },
        ]);
    });

    it('records nothing for a reply to another attempt, or after the lead settled', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(fail(2)).then([]);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(fail()).then([]);
    });
  });

  describe('EraseLead', () => {
    it('erases a lead that never became a contact, once', () => {
      spec(leadDecider).given([created, disqualified]).when(erase).then([erased]);
      spec(leadDecider).given([created, qualified, requested(), failed()]).when(erase).then([erased]);
      spec(leadDecider).given([created, erased]).when(erase).then([]);
    });

    it('refuses while converting, and once the person is a contact: they are erased there', () => {
      spec(leadDecider).given([created, qualified, requested()]).when(erase).thenThrows(LeadConversionInProgress);
      spec(leadDecider).given([created, qualified, requested(), converted()]).when(erase).thenThrows(LeadHasContact);
      spec(leadDecider)
        .given([created, qualified, requested(), failed(1, existingContactId)])
        .when(erase)
        .thenThrows(LeadHasContact);
      spec(leadDecider).given([]).when(erase).thenThrows(LeadNotFound);
    });
  });

  describe('state', () => {
    it('shows a conversion in flight, then its contact and deal', () => {
      const converting = fold(leadDecider, [created, qualified, requested()]);
      expect(converting).toMatchObject({ status: 'converting', conversion: { attempt: 1, dealId, pipelineId } });
      expect(awaitsConversion(converting, 1)).toBe(true);
      expect(awaitsConversion(converting, 2)).toBe(false);
      const done = fold(leadDecider, [created, qualified, requested(), converted(existingContactId)]);
      expect(done).toMatchObject({
        status: 'converted',
        contactId: existingContactId,
        converted: { contactCreated: false, dealId, at: t4 },
      });
      expect(awaitsConversion(done, 1)).toBe(false);
    });

    it('shows why an attempt failed, until the next one', () => {
      expect(fold(leadDecider, [created, qualified, requested(), failed(1, leadId)])).toMatchObject({
        status: 'conversion-failed',
        contactId: leadId,
        failure: { attempt: 1, reason: 'deal-refused', at: t4 },
      });
      expect(fold(leadDecider, [created, qualified, requested(), failed(), requested(2)])).not.toHaveProperty('failure');
    });

    it('keeps nothing personal once erased, or once its data reads as null', () => {
      expect(fold(leadDecider, [created, erased])).toEqual({ status: 'erased', leadId, createdAt: t1, erasedAt: t4 });
      const readAfterErasure = fold(leadDecider, [createdAndErasedWithItsContact, qualified]);
      expect(readAfterErasure).toMatchObject({ status: 'qualified', person: null });
      expect(readAfterErasure).not.toHaveProperty('notes');
      const noteReadAfterErasure = { ...disqualified, data: { ...disqualified.data, note: null } } as unknown as LeadEvent;
      const disqualifiedAfterErasure = fold(leadDecider, [createdAndErasedWithItsContact, noteReadAfterErasure]);
      expect(disqualifiedAfterErasure).toMatchObject({ status: 'disqualified', disqualification: { reason: 'no-budget' } });
      expect(disqualifiedAfterErasure).not.toHaveProperty('disqualification.note');
    });
  });
});
