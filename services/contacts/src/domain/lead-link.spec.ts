import { spec } from '@crm/eventsourcing/testing';
import type { LeadLinkEvent } from '@crm/contracts';
import { leadLinkDecider, type LeadLinkCommand } from './lead-link';

const leadId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const refuse = (attempt: number, now: string, reason: 'contact-erased' | 'contact-not-found' = 'contact-erased') =>
  ({ type: 'RefuseLeadLink', data: { leadId, contactId, attempt, reason, now } }) satisfies LeadLinkCommand;
const refused = (attempt: number, at: string, reason: 'contact-erased' | 'contact-not-found' = 'contact-erased') =>
  ({ type: 'LeadLinkRefused', data: { leadId, attempt, contactId, reason, at } }) satisfies LeadLinkEvent;

describe('LeadLink (a conversion that contacts could not link, ADR 0020)', () => {
  it('records why an attempt could not be linked', () => {
    spec(leadLinkDecider)
      .given([])
      .when(refuse(1, t1))
      .then([refused(1, t1)]);
    spec(leadLinkDecider)
      .given([])
      .when(refuse(1, t1, 'contact-not-found'))
      .then([refused(1, t1, 'contact-not-found')]);
  });

  it('records nothing for an attempt it refused already (the request delivered again)', () => {
    spec(leadLinkDecider)
      .given([refused(1, t1)])
      .when(refuse(1, t2))
      .then([]);
  });

  it('answers every new attempt', () => {
    spec(leadLinkDecider)
      .given([refused(1, t1)])
      .when(refuse(2, t2))
      .then([refused(2, t2)]);
  });
});
