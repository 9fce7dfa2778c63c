import { customerIdOf, piiSubjectOf } from '../contract';
import { redact } from '../pointers';
import { ContractRegistry } from '../registry';
import { LeadCreated, leadStreamContracts } from './lead';

const registry = new ContractRegistry({ contracts: leadStreamContracts });
const byName = (shown: (contract: (typeof leadStreamContracts)[number]) => unknown) =>
  Object.fromEntries(leadStreamContracts.map((contract) => [`${contract.name} v${contract.version}`, shown(contract)]));

describe('lead contracts', () => {
  it('name the lead as the customer: its id keys every event of its stream and its key seals the personal data', () => {
    for (const contract of leadStreamContracts) {
      expect(contract.service).toBe('sales');
      expect(contract.customerIdField).toBe('leadId');
      expect(contract.piiSubjectField).toBeUndefined();
      expect(customerIdOf(contract, contract.example)).toBe(contract.example.leadId);
      expect(piiSubjectOf(contract, contract.example)).toBe(contract.example.leadId);
    }
  });

  it('mark the name, e-mail, phone, notes and a disqualification note as personal data, and nothing else', () => {
    const person = ['/person/name', '/person/email', '/person/phone'];
    expect(byName((contract) => contract.pii)).toEqual({
      'LeadCreated v1': [...person, '/notes'],
      'LeadQualified v1': [],
      'LeadDisqualified v1': ['/note'],
      'LeadOwnerAssigned v1': [],
      'LeadConversionRequested v1': person,
      'LeadConverted v1': [],
      'LeadConversionFailed v1': [],
      'LeadErased v1': [],
    });
  });

  it('show on the customer’s timeline under sales, the erasure under privacy', () => {
    expect(byName((contract) => `${contract.timeline?.category}: ${contract.timeline?.title}`)).toEqual({
      'LeadCreated v1': 'sales: Lead created',
      'LeadQualified v1': 'sales: Lead qualified',
      'LeadDisqualified v1': 'sales: Lead disqualified',
      'LeadOwnerAssigned v1': 'sales: Lead owner assigned',
      'LeadConversionRequested v1': 'sales: Lead conversion requested',
      'LeadConverted v1': 'sales: Lead converted',
      'LeadConversionFailed v1': 'sales: Lead conversion failed',
      'LeadErased v1': 'privacy: Lead erased',
    });
  });

  it.each(leadStreamContracts.map((contract) => [contract.name, contract] as const))(
    '%s: its example is valid, and still decodes once the lead is erased',
    (name, contract) => {
      expect(registry.validate(name, contract.example)).toEqual([]);
      const erased = redact(contract.example, contract.pii);
      expect(registry.decode(name, contract.version, erased)).toEqual(erased);
      expect(registry.isOfErasedCustomer(name, contract.version, erased)).toBe(contract.pii.length > 0);
    },
  );

  it('refuse a phone number not in E.164 and an unknown source; take a person known by a family name only', () => {
    const { example } = LeadCreated;
    const invalid = (data: object) => registry.validate('LeadCreated', data).map((violation) => violation.path);
    expect(invalid({ ...example, person: { ...example.person, phone: '020 7123 4567' } })).toEqual(['/person/phone']);
    expect(invalid({ ...example, source: 'cold-call' })).toEqual(['/source']);
    // The contact profile's name (ADR 0021): an empty given name is a person known by the family name.
    expect(invalid({ ...example, person: { name: { given: '', family: 'Lovelace' } } })).toEqual([]);
  });

  it('carry money in integer minor units', () => {
    const requested = registry.get('LeadConversionRequested').example as { deal: object };
    const withAmount = (amount: object) => ({ ...requested, deal: { title: 'Seats', amount } });
    expect(registry.validate('LeadConversionRequested', withAmount({ amountMinor: 12.5, currency: 'EUR' }))).not.toEqual([]);
    expect(registry.validate('LeadConversionRequested', withAmount({ amountMinor: 1250, currency: 'eur' }))).not.toEqual([]);
    expect(registry.validate('LeadConversionRequested', withAmount({ amountMinor: 1250, currency: 'EUR' }))).toEqual([]);
  });
});
