import { fold } from '@crm/eventsourcing';
import { spec } from '@crm/eventsourcing/testing';
import type { ContactProfile } from '@crm/contracts';
import {
  ContactAlreadyExists,
  ContactArchivedError,
  ContactErasedError,
  ContactMergedError,
  ContactNotFound,
  ContactWithoutIdentity,
  contactDecider,
  MergeNotFound,
  MergeNotPossible,
  type ContactCommand,
  type ContactEvent,
  type LiveContact,
} from './contact';
import { InvalidContactData } from './contact-values';

const id = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const dupId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
const mergeId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88';
const companyId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const t3 = '2026-01-03T10:00:00.000Z';
const t4 = '2026-01-04T10:00:00.000Z';

const profile = (overrides: Partial<ContactProfile> = {}): ContactProfile => ({
  name: { given: 'Ada', family: 'Lovelace' },
  emails: [{ address: 'ada@example.com', primary: true }],
  phones: [],
  addresses: [],
  lifecycleStage: 'lead',
  tags: [],
  customFields: [],
  ...overrides,
});
const created = (contactId = id, overrides: Partial<ContactProfile> = {}): ContactEvent => ({
  type: 'ContactCreated',
  data: { contactId, ...profile(overrides), at: t1 },
});
const archived: ContactEvent = { type: 'ContactArchived', data: { contactId: id, at: t2 } };
const erased: ContactEvent = { type: 'ContactErased', data: { contactId: id, at: t3 } };
const live = (events: ContactEvent[]) => fold(contactDecider, events) as LiveContact;

describe('Contact', () => {
  describe('CreateContact', () => {
    it('records the whole profile', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'CreateContact', data: { contactId: id, profile: profile(), now: t1 } })
        .then([created()]));

    describe('a contact needs a name, an e-mail address or a phone number', () => {
      const { name: _, ...nameless } = profile();
      const create = (p: ContactProfile) => ({ type: 'CreateContact', data: { contactId: id, profile: p, now: t1 } }) as const;

      it('creates a contact known by its e-mail address only', () =>
        spec(contactDecider)
          .given([])
          .when(create(nameless))
          .then([{ type: 'ContactCreated', data: { contactId: id, ...nameless, at: t1 } }]));

      it('creates a contact known by its phone number only', () => {
        const phoneOnly = { ...nameless, emails: [], phones: [{ number: '+12025550123', extension: '12', primary: true }] };
        spec(contactDecider)
          .given([])
          .when(create(phoneOnly))
          .then([{ type: 'ContactCreated', data: { contactId: id, ...phoneOnly, at: t1 } }]);
      });

      it('refuses a contact with none of the three, naming the name', () =>
        spec(contactDecider)
          .given([])
          .when(create({ ...nameless, emails: [] }))
          .thenThrows(
            ContactWithoutIdentity,
            /name: is needed when the contact has no e-mail address \(emails\) and no phone number/,
          ));
    });

    it('refuses to create the same contact twice', () =>
      spec(contactDecider)
        .given([created()])
        .when({ type: 'CreateContact', data: { contactId: id, profile: profile(), now: t2 } })
        .thenThrows(ContactAlreadyExists));
  });

  describe('UpdateContact', () => {
    const update = (changes: Partial<ContactProfile>, cleared: ('jobTitle' | 'country')[] = []) =>
      ({ type: 'UpdateContact', data: { contactId: id, changes, cleared, now: t2 } }) as const;

    it('records only the fields that change, and the optional ones cleared', () =>
      spec(contactDecider)
        .given([created(id, { jobTitle: 'Analyst' })])
        .when(update({ name: { given: 'Ada', family: 'King' }, lifecycleStage: 'lead', tags: ['vip'] }, ['jobTitle', 'country']))
        .then([
          {
            type: 'ContactUpdated',
            data: {
              contactId: id,
              changes: { name: { given: 'Ada', family: 'King' }, tags: ['vip'] },
              cleared: ['jobTitle'],
              at: t2,
            },
          },
        ]));

    it('records nothing for the same values in another key order', () =>
      spec(contactDecider)
        .given([created()])
        .when(update({ name: { family: 'Lovelace', given: 'Ada' }, emails: [{ primary: true, address: 'ada@example.com' }] }))
        .then([]));

    it('records nothing for the same values sent as class instances (validated request objects)', () => {
      class NameDto {
        constructor(
          readonly given: string,
          readonly family: string,
        ) {}
      }
      spec(contactDecider)
        .given([created()])
        .when(update({ name: new NameDto('Ada', 'Lovelace') }))
        .then([]);
    });

    describe('what an update may remove', () => {
      const clearName: ContactCommand = {
        type: 'UpdateContact',
        data: { contactId: id, changes: {}, cleared: ['name'], now: t2 },
      };

      it('clears the name of a contact that keeps an e-mail address', () =>
        spec(contactDecider)
          .given([created()])
          .when(clearName)
          .then([{ type: 'ContactUpdated', data: { contactId: id, changes: {}, cleared: ['name'], at: t2 } }]));

      it('refuses to clear the name of a contact without e-mail or phone', () =>
        spec(contactDecider)
          .given([created(id, { emails: [] })])
          .when(clearName)
          .thenThrows(ContactWithoutIdentity, /name: is needed/));

      it('refuses to remove the last e-mail address of a contact without name or phone', () => {
        const { name: _, ...nameless } = profile();
        spec(contactDecider)
          .given([{ type: 'ContactCreated', data: { contactId: id, ...nameless, at: t1 } }])
          .when({ type: 'UpdateContact', data: { contactId: id, changes: { emails: [] }, cleared: [], now: t2 } })
          .thenThrows(ContactWithoutIdentity, /name: is needed/);
      });

      it('names a contact that had none', () =>
        spec(contactDecider)
          .given([created(id, { name: undefined })])
          .when({
            type: 'UpdateContact',
            data: { contactId: id, changes: { name: { given: 'Ada', family: 'Lovelace' } }, cleared: [], now: t2 },
          })
          .then([
            {
              type: 'ContactUpdated',
              data: { contactId: id, changes: { name: { given: 'Ada', family: 'Lovelace' } }, cleared: [], at: t2 },
            },
          ]));
    });

    it('records nothing when nothing changes', () =>
      spec(contactDecider)
        .given([created()])
        .when(update({ lifecycleStage: 'lead' }, ['country']))
        .then([]));

    it('refuses an unknown, archived, erased or merged contact', () => {
      spec(contactDecider)
        .given([])
        .when(update({ tags: ['x'] }))
        .thenThrows(ContactNotFound);
      spec(contactDecider)
        .given([created(), archived])
        .when(update({ tags: ['x'] }))
        .thenThrows(ContactArchivedError);
      spec(contactDecider)
        .given([created(), erased])
        .when(update({ tags: ['x'] }))
        .thenThrows(ContactErasedError);
      spec(contactDecider)
        .given([created(), { type: 'ContactMergedInto', data: { contactId: id, survivorId: dupId, mergeId, at: t2 } }])
        .when(update({ tags: ['x'] }))
        .thenThrows(ContactMergedError);
    });

    it('folds an older contact’s rename and e-mail change into the profile', () => {
      const state = live([
        created(),
        { type: 'ContactRenamed', data: { contactId: id, name: { given: 'Ada', family: 'King' }, at: t2 } },
        { type: 'ContactEmailChanged', data: { contactId: id, email: 'ada@king.org', at: t3 } },
      ]);
      expect(state.profile.name).toEqual({ given: 'Ada', family: 'King' });
      expect(state.profile.emails).toEqual([{ address: 'ada@king.org', primary: true }]);
    });
  });

  describe('ArchiveContact', () => {
    it('archives once', () => {
      spec(contactDecider)
        .given([created()])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t2 } })
        .then([archived]);
      spec(contactDecider)
        .given([created(), archived])
        .when({ type: 'ArchiveContact', data: { contactId: id, now: t3 } })
        .then([]);
    });
  });

  describe('EraseContact', () => {
    it('records the erasure once; the state keeps no personal data', () => {
      spec(contactDecider)
        .given([created()])
        .when({ type: 'EraseContact', data: { contactId: id, now: t3 } })
        .then([erased]);
      spec(contactDecider)
        .given([created(), erased])
        .when({ type: 'EraseContact', data: { contactId: id, now: t4 } })
        .then([]);
      expect(fold(contactDecider, [created(), erased])).toEqual({
        status: 'erased',
        contactId: id,
        createdAt: t1,
        updatedAt: t3,
        erasedAt: t3,
      });
    });

    it('refuses an unknown contact', () =>
      spec(contactDecider)
        .given([])
        .when({ type: 'EraseContact', data: { contactId: id, now: t3 } })
        .thenThrows(ContactNotFound));
  });

  describe('LinkLead (a lead’s conversion, ADR 0020)', () => {
    const leadId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
    const link = (attempt: number, newContact?: ContactProfile, contactId = id): ContactCommand => ({
      type: 'LinkLead',
      data: { contactId, leadId, attempt, ...(newContact ? { newContact } : {}), now: t2 },
    });
    const linked = (attempt: number, created = false, contactId = id): ContactEvent => ({
      type: 'ContactLinkedToLead',
      data: { contactId, leadId, attempt, created, at: t2 },
    });
    const fromLead = profile({ lifecycleStage: 'opportunity' });

    it('creates the person as a contact with the lead’s id, linked to the lead, in one append', () =>
      spec(contactDecider)
        .given([])
        .when(link(1, fromLead, leadId))
        .then([{ type: 'ContactCreated', data: { contactId: leadId, ...fromLead, at: t2 } }, linked(1, true, leadId)]));

    it('links an existing contact and leaves its profile as it is', () => {
      spec(contactDecider)
        .given([created()])
        .when(link(1))
        .then([linked(1)]);
      expect(live([created(), linked(1)]).profile).toEqual(profile());
    });

    it('links the contact a new contact was asked for when it exists already (a retry after a refused deal)', () =>
      spec(contactDecider)
        .given([created(leadId), linked(1, true, leadId)])
        .when(link(2, fromLead, leadId))
        .then([linked(2, false, leadId)]));

    it('links an archived contact: the person came back', () =>
      spec(contactDecider)
        .given([created(), archived])
        .when(link(1))
        .then([linked(1)]));

    it('records nothing for an attempt it linked already (the request delivered again)', () => {
      spec(contactDecider)
        .given([created(), linked(1)])
        .when(link(1))
        .then([]);
      spec(contactDecider)
        .given([{ type: 'ContactCreated', data: { contactId: leadId, ...fromLead, at: t2 } }, linked(1, true, leadId)])
        .when(link(1, fromLead, leadId))
        .then([]);
    });

    it('refuses an erased contact', () =>
      spec(contactDecider).given([created(), erased]).when(link(1)).thenThrows(ContactErasedError));

    it('refuses a merged contact: the handler links its survivor', () =>
      spec(contactDecider)
        .given([created(), { type: 'ContactMergedInto', data: { contactId: id, survivorId: dupId, mergeId, at: t2 } }])
        .when(link(1))
        .thenThrows(ContactMergedError));

    it('refuses an unknown contact when no new one is asked for', () =>
      spec(contactDecider).given([]).when(link(1)).thenThrows(ContactNotFound));

    it('keeps the attempts it linked per lead', () =>
      expect(live([created(), linked(1), linked(2)]).leadLinks).toEqual({ [leadId]: [1, 2] }));
  });

  describe('RecordConsent', () => {
    const consent = (status: 'granted' | 'withdrawn', at: string) =>
      ({
        type: 'RecordConsent',
        data: { contactId: id, channel: 'email', purpose: 'newsletter', status, source: 'web-form', at, now: t4 },
      }) as const;
    const changed = (status: 'granted' | 'withdrawn', at: string): ContactEvent => ({
      type: 'ContactConsentChanged',
      data: { contactId: id, channel: 'email', purpose: 'newsletter', status, source: 'web-form', at },
    });

    it('adds a statement to the ledger, once', () => {
      spec(contactDecider)
        .given([created()])
        .when(consent('granted', t2))
        .then([changed('granted', t2)]);
      spec(contactDecider)
        .given([created(), changed('granted', t2)])
        .when(consent('granted', t2))
        .then([]);
    });

    it('does not record again a statement older than the current state (a re-import of the same file), but a new one', () => {
      spec(contactDecider)
        .given([created(), changed('withdrawn', t3), changed('granted', t2)])
        .when(consent('granted', t2))
        .then([]);
      spec(contactDecider)
        .given([created(), changed('withdrawn', t3), changed('granted', t2)])
        .when(consent('granted', t1))
        .then([changed('granted', t1)]);
    });

    it('keeps the latest statement as the current state, also when an older one arrives later', () => {
      const state = live([created(), changed('withdrawn', t3), changed('granted', t2)]);
      expect(state.consents['email/newsletter']).toEqual({
        channel: 'email',
        purpose: 'newsletter',
        status: 'withdrawn',
        source: 'web-form',
        at: t3,
      });
    });

    it('refuses a statement dated in the future, which would outrank every real one until then', () => {
      spec(contactDecider).given([created()]).when(consent('granted', '2062-01-04T10:00:00.000Z')).thenThrows(InvalidContactData);
      // A client's clock a few minutes fast is tolerated.
      spec(contactDecider)
        .given([created()])
        .when(consent('granted', '2026-01-04T10:04:00.000Z'))
        .then([changed('granted', '2026-01-04T10:04:00.000Z')]);
    });

    it('never dates the last change before the creation: a statement given before it was recorded leaves updatedAt', () => {
      const before = '2025-06-01T10:00:00.000Z';
      expect(live([created(), changed('granted', before)])).toMatchObject({ createdAt: t1, updatedAt: t1 });
      expect(live([created(), changed('granted', before), changed('withdrawn', t3)]).updatedAt).toBe(t3);
    });

    it('records consent for an archived contact too (withdrawals must always land)', () =>
      spec(contactDecider)
        .given([created(), archived])
        .when(consent('withdrawn', t3))
        .then([changed('withdrawn', t3)]));
  });

  describe('company links', () => {
    const link = (role?: string) =>
      ({ type: 'LinkToCompany', data: { contactId: id, companyId, ...(role ? { role } : {}), now: t2 } }) as const;
    const linked = (role?: string): ContactEvent => ({
      type: 'ContactLinkedToCompany',
      data: { contactId: id, companyId, ...(role ? { role } : {}), at: t2 },
    });

    it('links with a role, changes the role, and ignores the same link again', () => {
      spec(contactDecider)
        .given([created()])
        .when(link('CTO'))
        .then([linked('CTO')]);
      spec(contactDecider)
        .given([created(), linked('CTO')])
        .when(link('CEO'))
        .then([linked('CEO')]);
      spec(contactDecider)
        .given([created(), linked('CTO')])
        .when(link('CTO'))
        .then([]);
    });

    it('unlinks a linked company only', () => {
      const unlink = { type: 'UnlinkFromCompany', data: { contactId: id, companyId, now: t3 } } as const;
      spec(contactDecider)
        .given([created(), linked()])
        .when(unlink)
        .then([{ type: 'ContactUnlinkedFromCompany', data: { contactId: id, companyId, at: t3 } }]);
      spec(contactDecider).given([created()]).when(unlink).then([]);
    });
  });

  describe('MergeContacts', () => {
    const survivorEvents: ContactEvent[] = [created(id, { jobTitle: 'Analyst' })];
    const duplicate = live([
      created(dupId, {
        name: { given: 'Ada', family: 'King' },
        emails: [{ address: 'ada@king.org', primary: true }],
        phones: [{ number: '+442071234567', primary: true }],
        country: 'GB',
        lifecycleStage: 'customer',
        tags: ['vip'],
      }),
      {
        type: 'ContactConsentChanged',
        data: { contactId: dupId, channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at: t2 },
      },
      { type: 'ContactLinkedToCompany', data: { contactId: dupId, companyId, role: 'CTO', at: t2 } },
    ]);
    const merge = (choices = {}) =>
      ({ type: 'MergeContacts', data: { contactId: id, mergeId, duplicates: [duplicate], choices, now: t3 } }) as const;
    const merged: ContactEvent = {
      type: 'ContactsMerged',
      data: {
        contactId: id,
        mergeId,
        mergedContactIds: [dupId],
        changes: {
          emails: [
            { address: 'ada@example.com', primary: true },
            { address: 'ada@king.org', primary: false },
          ],
          phones: [{ number: '+442071234567', primary: true }],
          tags: ['vip'],
          lifecycleStage: 'customer',
          country: 'GB',
        },
        consents: [{ channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at: t2 }],
        companyLinks: [{ companyId, role: 'CTO' }],
        at: t3,
      },
    };

    it('combines lists (one primary: the survivor’s, else a duplicate’s), keeps the survivor’s values, fills its gaps, takes the furthest stage, adopts consent and links', () =>
      spec(contactDecider).given(survivorEvents).when(merge()).then([merged]));

    it('takes a field from the contact chosen for it', () =>
      spec(contactDecider)
        .given(survivorEvents)
        .when(merge({ name: dupId }))
        .then([
          {
            ...merged,
            data: {
              ...merged.data,
              changes: { ...(merged.data as { changes: object }).changes, name: { given: 'Ada', family: 'King' } },
            },
          } as ContactEvent,
        ]));

    it('is idempotent per merge id, and refuses a merge into itself, of nothing, or of a merged contact', () => {
      spec(contactDecider)
        .given([...survivorEvents, merged])
        .when(merge())
        .then([]);
      spec(contactDecider)
        .given(survivorEvents)
        .when({ type: 'MergeContacts', data: { contactId: id, mergeId, duplicates: [], choices: {}, now: t3 } })
        .thenThrows(MergeNotPossible);
      spec(contactDecider)
        .given(survivorEvents)
        .when({
          type: 'MergeContacts',
          data: { contactId: id, mergeId, duplicates: [live(survivorEvents)], choices: {}, now: t3 },
        })
        .thenThrows(MergeNotPossible);
      spec(contactDecider)
        .given(survivorEvents)
        .when({
          type: 'MergeContacts',
          data: {
            contactId: id,
            mergeId,
            duplicates: [{ ...duplicate, mergedInto: { survivorId: id, mergeId } }],
            choices: {},
            now: t3,
          },
        })
        .thenThrows(ContactMergedError);
    });

    it('marks a duplicate merged, once, and unmerges it by the same merge only', () => {
      const mergedInto: ContactEvent = { type: 'ContactMergedInto', data: { contactId: dupId, survivorId: id, mergeId, at: t3 } };
      const mark = { type: 'MarkMergedInto', data: { contactId: dupId, survivorId: id, mergeId, now: t3 } } as const;
      spec(contactDecider)
        .given([created(dupId)])
        .when(mark)
        .then([mergedInto]);
      spec(contactDecider)
        .given([created(dupId), mergedInto])
        .when(mark)
        .then([]);
      const unmerge = { type: 'Unmerge', data: { contactId: dupId, survivorId: id, mergeId, now: t4 } } as const;
      spec(contactDecider)
        .given([created(dupId), mergedInto])
        .when(unmerge)
        .then([{ type: 'ContactUnmerged', data: { contactId: dupId, survivorId: id, mergeId, at: t4 } }]);
      spec(contactDecider)
        .given([created(dupId)])
        .when(unmerge)
        .then([]);
      expect(
        live([
          created(dupId),
          mergedInto,
          { type: 'ContactUnmerged', data: { contactId: dupId, survivorId: id, mergeId, at: t4 } },
        ]).mergedInto,
      ).toBeUndefined();
    });

    describe('a survivor known by e-mail only, and phones with extensions', () => {
      const { name: _, ...nameless } = profile({ phones: [{ number: '+442071234567', extension: '12', primary: true }] });
      const survivor: ContactEvent = { type: 'ContactCreated', data: { contactId: id, ...nameless, at: t1 } };
      const mergedWithName: ContactEvent = {
        type: 'ContactsMerged',
        data: {
          contactId: id,
          mergeId,
          mergedContactIds: [dupId],
          changes: {
            name: { given: 'Ada', family: 'King' },
            emails: [
              { address: 'ada@example.com', primary: true },
              { address: 'ada@king.org', primary: false },
            ],
            // The duplicate's number without an extension is another phone than the survivor's with one.
            phones: [
              { number: '+442071234567', extension: '12', primary: true },
              { number: '+442071234567', primary: false },
            ],
            tags: ['vip'],
            lifecycleStage: 'customer',
            country: 'GB',
          },
          consents: [{ channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at: t2 }],
          companyLinks: [{ companyId, role: 'CTO' }],
          at: t3,
        },
      };

      it('takes the duplicate’s name and keeps both phones of one number with different extensions', () =>
        spec(contactDecider).given([survivor]).when(merge()).then([mergedWithName]));

      it('clears the name again when the merge is undone', () => {
        const [undone] = contactDecider.decide(
          { type: 'UndoMerge', data: { contactId: id, mergeId, now: t4 } },
          live([survivor, mergedWithName]),
        );
        expect(undone).toMatchObject({ type: 'ContactMergeUndone', data: { cleared: expect.arrayContaining(['name']) } });
      });
    });

    describe('UndoMerge', () => {
      const undo = { type: 'UndoMerge', data: { contactId: id, mergeId, now: t4 } } as const;

      it('restores what the merge brought, splitting the duplicates off again', () =>
        spec(contactDecider)
          .given([...survivorEvents, merged])
          .when(undo)
          .then([
            {
              type: 'ContactMergeUndone',
              data: {
                contactId: id,
                mergeId,
                restoredContactIds: [dupId],
                changes: {
                  emails: [{ address: 'ada@example.com', primary: true }],
                  phones: [],
                  tags: [],
                  lifecycleStage: 'lead',
                },
                cleared: ['country'],
                consents: [],
                removedConsents: [{ channel: 'email', purpose: 'newsletter' }],
                removedCompanyIds: [companyId],
                at: t4,
              },
            },
          ]));

      it('keeps what changed after the merge', () => {
        const later: ContactEvent = {
          type: 'ContactUpdated',
          data: { contactId: id, changes: { lifecycleStage: 'evangelist' }, cleared: [], at: t4 },
        };
        const state = live([...survivorEvents, merged, later]);
        const [event] = contactDecider.decide(undo, state);
        expect((event.data as { changes: object }).changes).not.toHaveProperty('lifecycleStage');
      });

      it('brings the survivor back to its state before the merge', () => {
        const before = live(survivorEvents);
        const [undone] = contactDecider.decide(undo, live([...survivorEvents, merged]));
        const after = live([...survivorEvents, merged, undone]);
        expect(after.profile).toEqual(before.profile);
        expect(after.consents).toEqual(before.consents);
        expect(after.companies).toEqual(before.companies);
      });

      it('reads the same after an erasure made the merge’s personal values unreadable (null)', () => {
        const before = live(survivorEvents);
        const [undone] = contactDecider.decide(undo, live([...survivorEvents, merged]));
        const changes = (merged.data as { changes: Record<string, unknown> }).changes;
        const pii = new Set(['name', 'emails', 'phones', 'addresses', 'birthday', 'customFields']);
        const redacted = {
          ...merged,
          data: {
            ...merged.data,
            changes: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, pii.has(k) ? null : v])),
          },
        } as ContactEvent;
        const during = live([...survivorEvents, redacted]);
        expect(during.profile.emails).toEqual(before.profile.emails);
        expect(during.profile.lifecycleStage).toBe('customer');
        expect(live([...survivorEvents, redacted, undone]).profile).toEqual(before.profile);
      });

      it('undoes once, and refuses an unknown merge', () => {
        const [undone] = contactDecider.decide(undo, live([...survivorEvents, merged]));
        spec(contactDecider)
          .given([...survivorEvents, merged, undone])
          .when(undo)
          .then([]);
        spec(contactDecider).given(survivorEvents).when(undo).thenThrows(MergeNotFound);
      });
    });
  });
});
