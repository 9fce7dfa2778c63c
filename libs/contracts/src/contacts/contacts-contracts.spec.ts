import { ContractViolationError } from '../errors';
import { nullPiiMeansErased, piiSubjectOf } from '../contract';
import { crmContracts } from '../crm-contracts';
import { ContactArchived } from './contact-archived';
import { ContactCreated } from './contact-created';
import { ContactEmailChanged } from './contact-email-changed';
import { ContactMergeUndone, ContactMergeUndoneV1, ContactsMerged, ContactsMergedV1, ContactsMergedV2 } from './contact-merge';
import { contactProfileSchema, OPTIONAL_PROFILE_FIELDS, REQUIRED_PROFILE_FIELDS } from './contact-profile';
import { ContactRenamed } from './contact-renamed';
import { ContactUpdatedV1 } from './contact-updated';
import { contactsContracts } from '.';

describe('contacts contracts', () => {
  const current = [ContactCreated, ContactRenamed, ContactEmailChanged, ContactArchived];

  it.each(current.map((contract) => [contract.name, contract] as const))('%s is keyed by the contact id', (_, contract) => {
    expect(contract.service).toBe('contacts');
    expect(contract.customerIdField).toBe('contactId');
  });

  it('marks names, addresses, phones, birthdays, custom values and message contents as personal data, and nothing else', () => {
    const profile = ['/name', '/emails', '/phones', '/addresses', '/birthday', '/customFields'];
    const changes = profile.map((pointer) => `/changes${pointer}`);
    expect(Object.fromEntries(contactsContracts.contracts.map((c) => [`${c.name} v${c.version}`, c.pii]))).toEqual({
      'ContactCreated v1': ['/fullName', '/email'],
      'ContactCreated v2': ['/name', '/email'],
      'ContactCreated v3': profile,
      'ContactCreated v4': profile,
      'ContactUpdated v1': changes,
      'ContactUpdated v2': changes,
      'ContactRenamed v1': ['/name'],
      'ContactErased v1': [],
      'ContactEmailChanged v1': ['/email'],
      'ContactArchived v1': [],
      'ContactConsentChanged v1': [],
      'ContactLinkedToCompany v1': [],
      'ContactUnlinkedFromCompany v1': [],
      'ContactsMerged v1': changes,
      'ContactsMerged v2': changes,
      'ContactsMerged v3': changes,
      'ContactMergeUndone v1': changes,
      'ContactMergeUndone v2': changes,
      'ContactMergedInto v1': [],
      'ContactUnmerged v1': [],
      'ContactLinkedToLead v1': [],
      'CompanyCreated v1': [],
      'CompanyUpdated v1': [],
      'CompanyArchived v1': [],
      'InteractionLogged v1': ['/participants', '/subject', '/body'],
      'CustomFieldDefined v1': [],
      'ContactExternalIdRecorded v1': [],
      'LeadLinkRefused v1': [],
    });
  });

  it('shows every customer event on the timeline, older versions as the current one', () => {
    const shown = (c: (typeof contactsContracts.contracts)[number]) =>
      c.timeline && `${c.timeline.category}: ${c.timeline.title}`;
    expect(Object.fromEntries(contactsContracts.contracts.map((c) => [`${c.name} v${c.version}`, shown(c)]))).toEqual({
      'ContactCreated v1': 'profile: Contact created',
      'ContactCreated v2': 'profile: Contact created',
      'ContactCreated v3': 'profile: Contact created',
      'ContactCreated v4': 'profile: Contact created',
      'ContactUpdated v1': 'profile: Profile updated',
      'ContactUpdated v2': 'profile: Profile updated',
      'ContactRenamed v1': 'profile: Contact renamed',
      'ContactErased v1': 'privacy: Personal data erased',
      'ContactEmailChanged v1': 'profile: E-mail address changed',
      'ContactArchived v1': 'profile: Contact archived',
      'ContactConsentChanged v1': 'consent: Consent recorded',
      'ContactLinkedToCompany v1': 'company: Linked to a company',
      'ContactUnlinkedFromCompany v1': 'company: Unlinked from a company',
      'ContactsMerged v1': 'merge: Contacts merged',
      'ContactsMerged v2': 'merge: Contacts merged',
      'ContactsMerged v3': 'merge: Contacts merged',
      'ContactMergeUndone v1': 'merge: Merge undone',
      'ContactMergeUndone v2': 'merge: Merge undone',
      'ContactMergedInto v1': 'merge: Merged into another contact',
      'ContactUnmerged v1': 'merge: Split off again by an undone merge',
      'ContactLinkedToLead v1': 'sales: Linked to a lead',
      'CompanyCreated v1': undefined,
      'CompanyUpdated v1': undefined,
      'CompanyArchived v1': undefined,
      'InteractionLogged v1': 'interaction: Interaction logged',
      'CustomFieldDefined v1': undefined,
      'ContactExternalIdRecorded v1': 'profile: External id recorded',
      'LeadLinkRefused v1': 'sales: Contact link refused',
    });
    expect(crmContracts.timelineCategories()).toEqual([
      'profile',
      'privacy',
      'consent',
      'company',
      'merge',
      'sales',
      'interaction',
    ]);
  });

  it('lists the required and the optional profile fields completely', () => {
    expect([...REQUIRED_PROFILE_FIELDS].sort()).toEqual([...contactProfileSchema.required!].sort());
    expect([...REQUIRED_PROFILE_FIELDS, ...OPTIONAL_PROFILE_FIELDS].sort()).toEqual(
      Object.keys(contactProfileSchema.properties).sort(),
    );
  });
});

describe('decoding an erased person’s event', () => {
  const erased = { ...ContactCreated.example, name: null, emails: null, phones: null, addresses: null, customFields: null };

  it('passes with its personal values null', () => {
    expect(crmContracts.decode('ContactCreated', 4, erased)).toEqual(erased);
  });

  it('still refuses a breach outside the personal values, as the live run did', () => {
    expect(() => crmContracts.decode('ContactCreated', 4, { ...erased, lifecycleStage: 'prospect' })).toThrow(
      ContractViolationError,
    );
  });
});

describe('ContactsMerged v2', () => {
  it('seals the merged values with the merge’s key, not the survivor’s, and upcasts v1 as it is', () => {
    expect(ContactsMergedV2.piiSubjectField).toBe('mergeId');
    expect(piiSubjectOf(ContactsMergedV2, ContactsMergedV2.example)).toBe(ContactsMergedV2.example.mergeId);
    expect(piiSubjectOf(ContactsMergedV1, ContactsMergedV1.example)).toBe(ContactsMergedV1.example.contactId);
    expect(nullPiiMeansErased(ContactsMergedV2)).toBe(false);
    expect(nullPiiMeansErased(ContactsMergedV1)).toBe(true);
    expect(crmContracts.toCurrent('ContactsMerged', 1, ContactsMergedV1.example)).toEqual(ContactsMergedV1.example);
  });
});

describe('the events that carry profile values, from issue 16 on (no name, phone extensions, sourceCreatedAt)', () => {
  it.each([
    ['ContactUpdated', 1, ContactUpdatedV1.example],
    ['ContactsMerged', 1, ContactsMergedV1.example],
    ['ContactsMerged', 2, ContactsMergedV2.example],
    ['ContactMergeUndone', 1, ContactMergeUndoneV1.example],
  ])('read a stored %s v%d as it is', (type, version, example) => {
    expect(crmContracts.toCurrent(type, version, example)).toEqual(example);
  });

  it('clear a name only from the current versions on', () => {
    const clearing = { ...ContactUpdatedV1.example, changes: {}, cleared: ['name'] };
    expect(crmContracts.validate('ContactUpdated', clearing)).toEqual([]);
    expect(crmContracts.validate('ContactUpdated', clearing, 1)).not.toEqual([]);
    expect(ContactMergeUndone.example.cleared).toEqual(['name']);
  });

  it('seal a merge’s values with the merge’s key still', () => {
    expect(ContactsMerged.piiSubjectField).toBe('mergeId');
    expect(ContactsMerged.pii).toEqual(ContactsMergedV2.pii);
  });
});
