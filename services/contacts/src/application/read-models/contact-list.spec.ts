import { ContactCreated, ContactUpdated } from '@crm/contracts';
import type { ContactEvent } from '../../domain/contact';
import { evolveContactListItem, type ContactListItem } from './contact-list';

const created = { type: 'ContactCreated', data: ContactCreated.example } as ContactEvent;
const contactId = ContactCreated.example.contactId;
const updated = (changes: object): ContactEvent =>
  ({ type: 'ContactUpdated', data: { ...ContactUpdated.example, contactId, changes, cleared: [] } }) as ContactEvent;

describe('contact list item', () => {
  it('lists the custom values a contact is created with', () => {
    expect(evolveContactListItem(undefined, created)?.customFields).toEqual(ContactCreated.example.customFields);
  });

  it('takes the custom values of an update, and keeps them through an update that does not name them', () => {
    const item = evolveContactListItem(undefined, created) as ContactListItem;
    const replaced = evolveContactListItem(item, updated({ customFields: [{ key: 'plan', value: 'pro' }] }));
    expect(replaced?.customFields).toEqual([{ key: 'plan', value: 'pro' }]);
    expect(evolveContactListItem(replaced!, updated({ jobTitle: 'CTO' }))?.customFields).toEqual([{ key: 'plan', value: 'pro' }]);
  });

  it('dates the last change by a lead linked to the contact, as the contact does', () => {
    const item = evolveContactListItem(undefined, created) as ContactListItem;
    const leadId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
    const linked: ContactEvent = {
      type: 'ContactLinkedToLead',
      data: { contactId, leadId, attempt: 1, created: false, at: '2030-01-01T00:00:00.000Z' },
    };
    expect(evolveContactListItem(item, linked)).toEqual({ ...item, updatedAt: '2030-01-01T00:00:00.000Z' });
  });

  it('keeps them when a merge’s values were erased (null changes nothing)', () => {
    const item = evolveContactListItem(undefined, created) as ContactListItem;
    expect(evolveContactListItem(item, updated({ customFields: null }))?.customFields).toEqual(
      ContactCreated.example.customFields,
    );
  });
});

describe('contact list item: consent', () => {
  const base = () => evolveContactListItem(undefined, created) as ContactListItem;
  const statement = (channel: string, purpose: string, status: string, at: string): ContactEvent =>
    ({ type: 'ContactConsentChanged', data: { contactId, channel, purpose, status, source: 'web-form', at } }) as ContactEvent;
  const entry = (channel: string, purpose: string, status: string, at: string) => ({
    channel,
    purpose,
    status,
    source: 'web-form',
    at,
  });

  it('holds the latest statement per channel and purpose, ordered by channel then purpose', () => {
    let item = base();
    item = evolveContactListItem(item, statement('sms', 'marketing', 'granted', '2026-01-01T00:00:00.000Z'))!;
    item = evolveContactListItem(item, statement('email', 'newsletter', 'granted', '2026-01-02T00:00:00.000Z'))!;
    item = evolveContactListItem(item, statement('email', 'newsletter', 'withdrawn', '2026-01-03T00:00:00.000Z'))!;
    expect(item.consents).toEqual([
      entry('email', 'newsletter', 'withdrawn', '2026-01-03T00:00:00.000Z'),
      entry('sms', 'marketing', 'granted', '2026-01-01T00:00:00.000Z'),
    ]);
    // An older statement imported late is in the ledger, not the current state (as on the contact itself).
    const late = evolveContactListItem(item, statement('email', 'newsletter', 'granted', '2025-12-01T00:00:00.000Z'))!;
    expect(late.consents).toEqual(item.consents);
  });

  it('keeps updatedAt when a statement given before the contact was recorded arrives (it never goes before createdAt)', () => {
    const early = evolveContactListItem(base(), statement('email', 'newsletter', 'granted', '2024-01-01T00:00:00.000Z'))!;
    expect(early).toMatchObject({ createdAt: ContactCreated.example.at, updatedAt: ContactCreated.example.at });
    const later = evolveContactListItem(early, statement('email', 'newsletter', 'withdrawn', '2026-01-01T00:00:00.000Z'))!;
    expect(later.updatedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('adopts the consents a merge adopted, and an undo gives back what the merge replaced and removes what it added', () => {
    const own = evolveContactListItem(base(), statement('email', 'newsletter', 'withdrawn', '2026-01-01T00:00:00.000Z'))!;
    const adopted = [
      entry('email', 'newsletter', 'granted', '2026-02-01T00:00:00.000Z'),
      entry('phone', 'surveys', 'granted', '2026-02-01T00:00:00.000Z'),
    ];
    const merged = evolveContactListItem(own, {
      type: 'ContactsMerged',
      data: {
        contactId,
        mergeId: 'm1',
        mergedContactIds: ['d1'],
        changes: {},
        consents: adopted,
        companyLinks: [],
        at: '2026-03-01T00:00:00.000Z',
      },
    } as ContactEvent)!;
    expect(merged.consents).toEqual(adopted);
    const undone = evolveContactListItem(merged, {
      type: 'ContactMergeUndone',
      data: {
        contactId,
        mergeId: 'm1',
        restoredContactIds: ['d1'],
        changes: {},
        cleared: [],
        consents: [entry('email', 'newsletter', 'withdrawn', '2026-01-01T00:00:00.000Z')],
        removedConsents: [{ channel: 'phone', purpose: 'surveys' }],
        removedCompanyIds: [],
        at: '2026-03-02T00:00:00.000Z',
      },
    } as ContactEvent)!;
    expect(undone.consents).toEqual(own.consents);
  });
});

describe('contact list item: display name, extensions, source date', () => {
  const { name: _, ...nameless } = ContactCreated.example;
  const createdAs = (data: object) => evolveContactListItem(undefined, { type: 'ContactCreated', data } as ContactEvent)!;

  it('shows a named contact by its full name, and one without a name by its e-mail address, else its phone', () => {
    expect(createdAs(ContactCreated.example).displayName).toBe('Ada Lovelace');
    expect(createdAs(nameless)).toMatchObject({ displayName: 'ada@example.com', givenName: '', familyName: '' });
    expect(createdAs({ ...nameless, emails: [] }).displayName).toBe('+442071234567 ext. 43023');
  });

  it('finds a contact without a name by its e-mail address and phone', () => {
    expect(createdAs(nameless).search).toEqual(expect.arrayContaining(['ada@example.com', '+442071234567', '442071234567']));
  });

  it('empties the name a ContactUpdated clears, and shows the e-mail address instead', () => {
    const cleared = evolveContactListItem(createdAs(ContactCreated.example), {
      type: 'ContactUpdated',
      data: { contactId, changes: {}, cleared: ['name'], at: '2026-01-01T00:00:00.000Z' },
    } as ContactEvent);
    expect(cleared).toMatchObject({ givenName: '', familyName: '', displayName: 'ada@example.com' });
    expect(cleared?.search).not.toContain('ada');
  });

  it('keeps phones with their extensions (primary first) and the source’s creation time', () => {
    const item = createdAs({
      ...ContactCreated.example,
      phones: [
        { number: '+41446681800', primary: false },
        { number: '+12025550123', extension: '12', primary: true },
      ],
    });
    expect(item).toMatchObject({
      phone: '+12025550123',
      phones: ['+41446681800', '+12025550123'],
      phoneTexts: ['+12025550123 ext. 12', '+41446681800'],
      sourceCreatedAt: ContactCreated.example.sourceCreatedAt,
    });
  });
});
