import { crmContracts, isRedacted, redact, type ContactsEvent } from '@crm/contracts';
import { ADA, ADA_TWIN, ENGINES, MERGE } from '../testing/events';
import { combineActivity, evolveProfile, type CustomerProfile, type LiveProfile } from './customer-profile';
import { occurredAtOf } from './timeline';

/** Folds decoded events (as the projection sees them, personal data opened) into one contact's profile. */
function profileOf(events: readonly ContactsEvent[], contactId = ADA): CustomerProfile | undefined {
  return events.reduce<CustomerProfile | undefined>(
    (profile, event) =>
      evolveProfile(profile, {
        customerId: contactId,
        event,
        occurredAt: occurredAtOf({ time: '2030-01-01T00:00:00.000Z', data: event.data }),
        redacted: isRedacted(event.data, crmContracts.get(event.type).pii),
      }),
    undefined,
  );
}

const live = (profile: CustomerProfile | undefined): LiveProfile => {
  if (!profile || profile.status === 'erased') throw new Error(`expected a live profile, got ${JSON.stringify(profile)}`);
  return profile;
};

const created = (contactId = ADA, at = '2025-01-15T09:30:00.000Z'): ContactsEvent => ({
  type: 'ContactCreated',
  data: {
    contactId,
    name: { given: 'Ada', family: 'Lovelace' },
    emails: [
      { address: 'ada@home.example', primary: false },
      { address: 'ada@example.com', label: 'work', primary: true },
    ],
    phones: [{ number: '+442071234567', primary: true }],
    addresses: [],
    jobTitle: 'Analyst',
    locale: 'en-GB',
    timezone: 'Europe/London',
    country: 'GB',
    lifecycleStage: 'lead',
    ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99',
    tags: ['vip'],
    customFields: [],
    at,
  },
});

const consent = (channel: 'email' | 'sms', status: 'granted' | 'withdrawn', at: string, contactId = ADA): ContactsEvent => ({
  type: 'ContactConsentChanged',
  data: { contactId, channel, purpose: 'newsletter', status, source: 'web-form', at },
});

const interaction = (channel: 'email' | 'phone-call', occurredAt: string, contactId = ADA): ContactsEvent => ({
  type: 'InteractionLogged',
  data: {
    interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
    contactId,
    channel,
    direction: 'inbound',
    occurredAt,
    participants: [{ name: 'Charles Babbage' }],
    subject: 'Hello',
    at: '2025-06-01T00:00:00.000Z',
  },
});

describe('customer profile', () => {
  it('takes identity, stage, tags and owner from ContactCreated, the primary e-mail and phone', () => {
    expect(profileOf([created()])).toEqual({
      contactId: ADA,
      status: 'active',
      displayName: 'Ada Lovelace',
      name: { given: 'Ada', family: 'Lovelace' },
      email: 'ada@example.com',
      phone: '+442071234567',
      country: 'GB',
      locale: 'en-GB',
      timezone: 'Europe/London',
      jobTitle: 'Analyst',
      lifecycleStage: 'lead',
      ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99',
      tags: ['vip'],
      companyLinks: [],
      consents: [],
      interactions: {},
      firstSeenAt: '2025-01-15T09:30:00.000Z',
      lastSeenAt: '2025-01-15T09:30:00.000Z',
      createdAt: '2025-01-15T09:30:00.000Z',
    });
  });

  it('applies ContactUpdated changes and clears the fields it names; older renames and e-mail changes too', () => {
    const profile = live(
      profileOf([
        created(),
        {
          type: 'ContactUpdated',
          data: {
            contactId: ADA,
            changes: { lifecycleStage: 'customer', emails: [] },
            cleared: ['jobTitle'],
            at: '2025-03-01T00:00:00.000Z',
          },
        },
        {
          type: 'ContactRenamed',
          data: { contactId: ADA, name: { given: 'Ada', family: 'King' }, at: '2025-03-02T00:00:00.000Z' },
        },
        { type: 'ContactEmailChanged', data: { contactId: ADA, email: 'ada.king@example.org', at: '2025-03-03T00:00:00.000Z' } },
      ]),
    );
    expect(profile).toMatchObject({ lifecycleStage: 'customer', name: { family: 'King' }, email: 'ada.king@example.org' });
    expect(profile).not.toHaveProperty('jobTitle');
    expect(profile.lastSeenAt).toBe('2025-03-03T00:00:00.000Z');
  });

  it('keeps per channel and purpose the consent with the latest `at`, even when an older one is recorded later', () => {
    const profile = live(
      profileOf([
        created(),
        consent('email', 'granted', '2025-02-01T10:00:00.000Z'),
        consent('email', 'withdrawn', '2025-01-20T10:00:00.000Z'), // imported later, given earlier
        consent('sms', 'granted', '2025-02-02T10:00:00.000Z'),
        consent('sms', 'withdrawn', '2025-02-03T10:00:00.000Z'),
      ]),
    );
    expect(profile.consents.map(({ channel, status }) => [channel, status])).toEqual([
      ['email', 'granted'],
      ['sms', 'withdrawn'],
    ]);
  });

  it('counts interactions per channel with the last time, and widens first/last seen by when they occurred', () => {
    const profile = live(
      profileOf([
        created(),
        interaction('email', '2025-02-01T00:00:00.000Z'),
        interaction('email', '2025-01-01T00:00:00.000Z'), // logged late: an older e-mail
        interaction('phone-call', '2024-12-01T00:00:00.000Z'),
      ]),
    );
    expect(profile.interactions).toEqual({
      email: { count: 2, lastAt: '2025-02-01T00:00:00.000Z' },
      'phone-call': { count: 1, lastAt: '2024-12-01T00:00:00.000Z' },
    });
    expect(profile).toMatchObject({ firstSeenAt: '2024-12-01T00:00:00.000Z', lastSeenAt: '2025-02-01T00:00:00.000Z' });
  });

  it('links companies with a role (linking again changes it), unlinks them, and is archived', () => {
    const link = (role: string, at: string): ContactsEvent => ({
      type: 'ContactLinkedToCompany',
      data: { contactId: ADA, companyId: ENGINES, role, at },
    });
    const linked = live(profileOf([created(), link('CTO', '2025-02-01T00:00:00.000Z'), link('CEO', '2025-03-01T00:00:00.000Z')]));
    expect(linked.companyLinks).toEqual([{ companyId: ENGINES, role: 'CEO', linkedAt: '2025-02-01T00:00:00.000Z' }]);
    const unlinked = profileOf([
      created(),
      link('CTO', '2025-02-01T00:00:00.000Z'),
      { type: 'ContactUnlinkedFromCompany', data: { contactId: ADA, companyId: ENGINES, at: '2025-04-01T00:00:00.000Z' } },
      { type: 'ContactArchived', data: { contactId: ADA, at: '2025-05-01T00:00:00.000Z' } },
    ]);
    expect(unlinked).toMatchObject({ companyLinks: [], status: 'archived', archivedAt: '2025-05-01T00:00:00.000Z' });
  });

  it('is made by any event, even one that comes before ContactCreated (another topic)', () => {
    const profile = live(profileOf([interaction('email', '2024-01-01T00:00:00.000Z'), created()]));
    expect(profile).toMatchObject({
      name: { given: 'Ada' },
      interactions: { email: { count: 1 } },
      firstSeenAt: '2024-01-01T00:00:00.000Z',
    });
  });

  describe('merges', () => {
    const merged: ContactsEvent = {
      type: 'ContactsMerged',
      data: {
        contactId: ADA,
        mergeId: MERGE,
        mergedContactIds: [ADA_TWIN],
        changes: { phones: [{ number: '+442079999999', primary: true }] },
        consents: [
          { channel: 'sms', purpose: 'newsletter', status: 'granted', source: 'import', at: '2025-04-01T00:00:00.000Z' },
        ],
        companyLinks: [{ companyId: ENGINES, role: 'CTO' }],
        at: '2025-07-01T12:00:00.000Z',
      },
    };
    const undone: ContactsEvent = {
      type: 'ContactMergeUndone',
      data: {
        contactId: ADA,
        mergeId: MERGE,
        restoredContactIds: [ADA_TWIN],
        changes: { phones: [{ number: '+442071234567', primary: true }] },
        cleared: [],
        consents: [],
        removedConsents: [{ channel: 'sms', purpose: 'newsletter' }],
        removedCompanyIds: [ENGINES],
        at: '2025-07-02T08:00:00.000Z',
      },
    };

    it("the survivor takes the merge's changes, consents and company links, and gives them back on undo", () => {
      const survivor = live(profileOf([created(), merged]));
      expect(survivor).toMatchObject({
        phone: '+442079999999',
        status: 'active',
        companyLinks: [{ companyId: ENGINES, role: 'CTO' }],
      });
      expect(survivor.consents).toEqual([expect.objectContaining({ channel: 'sms', status: 'granted' })]);
      const restored = live(profileOf([created(), merged, undone]));
      expect(restored).toMatchObject({ phone: '+442071234567', companyLinks: [], consents: [] });
    });

    it('the merged contact is "merged into" the survivor until unmerged; an older merge\'s undo changes nothing', () => {
      const into = (type: 'ContactMergedInto' | 'ContactUnmerged', mergeId: string): ContactsEvent => ({
        type,
        data: { contactId: ADA_TWIN, survivorId: ADA, mergeId, at: '2025-07-01T12:00:00.000Z' },
      });
      expect(profileOf([created(ADA_TWIN), into('ContactMergedInto', MERGE)], ADA_TWIN)).toMatchObject({
        status: 'merged',
        mergedInto: ADA,
      });
      const stale = into('ContactUnmerged', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e89');
      expect(profileOf([created(ADA_TWIN), into('ContactMergedInto', MERGE), stale], ADA_TWIN)).toMatchObject({
        status: 'merged',
      });
      const back = profileOf([created(ADA_TWIN), into('ContactMergedInto', MERGE), into('ContactUnmerged', MERGE)], ADA_TWIN);
      expect(back).toMatchObject({ status: 'active' });
      expect(back).not.toHaveProperty('mergedInto');
    });

    it("combines the survivor's interactions and first/last seen with those of the contacts merged into it", () => {
      const survivor = profileOf([created(), interaction('email', '2025-02-01T00:00:00.000Z')])!;
      const twin = profileOf(
        [created(ADA_TWIN, '2024-05-01T00:00:00.000Z'), interaction('email', '2025-03-01T00:00:00.000Z', ADA_TWIN)],
        ADA_TWIN,
      )!;
      const erased = { contactId: 'gone', status: 'erased' } as const;
      expect(combineActivity([survivor, twin, erased])).toEqual({
        interactions: { email: { count: 2, lastAt: '2025-03-01T00:00:00.000Z' } },
        firstSeenAt: '2024-05-01T00:00:00.000Z',
        lastSeenAt: '2025-03-01T00:00:00.000Z',
      });
    });
  });

  describe('erasure', () => {
    const erased: ContactsEvent = { type: 'ContactErased', data: { contactId: ADA, at: '2025-09-01T08:00:00.000Z' } };
    const history = [
      created(),
      consent('email', 'granted', '2025-02-01T10:00:00.000Z'),
      interaction('email', '2025-02-01T00:00:00.000Z'),
    ];

    it('leaves only a tombstone without personal data on ContactErased', () => {
      expect(profileOf([...history, erased])).toEqual({ contactId: ADA, status: 'erased', erasedAt: '2025-09-01T08:00:00.000Z' });
    });

    it('gives the same tombstone when the events are replayed after the erasure, their personal data null', () => {
      const replayed = [...history, erased].map(
        (event) => ({ ...event, data: redact(event.data, crmContracts.get(event.type).pii) }) as ContactsEvent,
      );
      expect(profileOf(replayed)).toEqual(profileOf([...history, erased]));
    });

    it('leaves the same tombstone on LeadErased: a lead is a person too, under the lead’s id (ADR 0020)', () => {
      const leadErased = { type: 'LeadErased', data: { leadId: ADA, at: '2025-09-01T08:00:00.000Z' } } as const;
      const profile = [...history, leadErased].reduce<CustomerProfile | undefined>(
        (before, event) => evolveProfile(before, { customerId: ADA, event, occurredAt: event.data.at, redacted: false }),
        undefined,
      );
      expect(profile).toEqual(profileOf([...history, erased]));
    });

    it('drops a live profile at the first redacted event, and ignores whatever follows but ContactErased', () => {
      const redactedInteraction = { ...interaction('email', '2025-03-01T00:00:00.000Z') };
      redactedInteraction.data = redact(redactedInteraction.data, crmContracts.get('InteractionLogged').pii) as never;
      expect(profileOf([...history, redactedInteraction, consent('sms', 'granted', '2025-04-01T00:00:00.000Z')])).toEqual({
        contactId: ADA,
        status: 'erased',
      });
    });
  });
});

describe('customer profile of a contact without a name (issue 16)', () => {
  const { name: _, ...nameless } = created().data as Extract<ContactsEvent, { type: 'ContactCreated' }>['data'];
  const update = (changes: object, cleared: string[] = []): ContactsEvent =>
    ({ type: 'ContactUpdated', data: { contactId: ADA, changes, cleared, at: '2025-02-01T00:00:00.000Z' } }) as ContactsEvent;

  it('shows the full name when there is one', () => {
    expect(live(profileOf([created()])).displayName).toBe('Ada Lovelace');
  });

  it('shows a contact known by e-mail only by its primary address, and one known by phone only by its number and extension', () => {
    const byEmail = live(profileOf([{ type: 'ContactCreated', data: nameless }]));
    expect(byEmail).not.toHaveProperty('name');
    expect(byEmail.displayName).toBe('ada@example.com');
    const byPhone = live(
      profileOf([
        {
          type: 'ContactCreated',
          data: { ...nameless, emails: [], phones: [{ number: '+12025550123', extension: '43023', primary: true }] },
        },
      ]),
    );
    expect(byPhone).toMatchObject({ displayName: '+12025550123 ext. 43023', phone: '+12025550123', phoneExtension: '43023' });
  });

  it('follows a cleared name and a later one, and keeps the source’s creation time', () => {
    const cleared = live(profileOf([created(), update({ sourceCreatedAt: '2019-04-02T13:45:00.000Z' }, ['name'])]));
    expect(cleared).toMatchObject({ displayName: 'ada@example.com', sourceCreatedAt: '2019-04-02T13:45:00.000Z' });
    expect(cleared).not.toHaveProperty('name');
    const named = live(profileOf([created(), update({}, ['name']), update({ name: { given: '', family: 'King' } })]));
    expect(named.displayName).toBe('King');
  });

  it('drops an extension the primary phone no longer has', () => {
    const profile = live(
      profileOf([
        created(),
        update({ phones: [{ number: '+12025550123', extension: '1', primary: true }] }),
        update({ phones: [{ number: '+12025550123', primary: true }] }),
      ]),
    );
    expect(profile).not.toHaveProperty('phoneExtension');
  });
});
