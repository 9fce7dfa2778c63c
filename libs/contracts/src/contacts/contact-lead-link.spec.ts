import { customerIdOf } from '../contract';
import { crmContracts } from '../crm-contracts';
import { ContactLinkedToLead, LeadLinkRefused } from './contact-lead-link';

describe('the replies of contacts to a lead’s conversion (ADR 0020)', () => {
  it.each([ContactLinkedToLead, LeadLinkRefused].map((contract) => [contract.name, contract] as const))(
    '%s: its example is valid, and it carries ids only, no personal data',
    (name, contract) => {
      expect(crmContracts.validate(name, contract.example)).toEqual([]);
      expect(contract.pii).toEqual([]);
      expect(contract.service).toBe('contacts');
    },
  );

  it('show a link on the contact’s timeline and a refusal on the lead’s, whose id keys it', () => {
    expect(customerIdOf(ContactLinkedToLead, ContactLinkedToLead.example)).toBe(ContactLinkedToLead.example.contactId);
    expect(customerIdOf(LeadLinkRefused, LeadLinkRefused.example)).toBe(LeadLinkRefused.example.leadId);
  });

  it('answer an attempt from 1, and refuse only for an erased or an unknown contact', () => {
    const invalid = (name: string, data: object) => crmContracts.validate(name, data).map((violation) => violation.path);
    expect(invalid('ContactLinkedToLead', { ...ContactLinkedToLead.example, attempt: 0 })).toEqual(['/attempt']);
    expect(invalid('LeadLinkRefused', { ...LeadLinkRefused.example, reason: 'contact-not-found' })).toEqual([]);
    expect(invalid('LeadLinkRefused', { ...LeadLinkRefused.example, reason: 'deal-refused' })).toEqual(['/reason']);
  });
});
