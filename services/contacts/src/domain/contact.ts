import type { Aggregate, Decider } from '@crm/eventsourcing';
import { withoutRedacted } from '@crm/contracts';
import type {
  CompanyLink,
  ConsentEntry,
  ContactConsentChangedData,
  ContactProfile,
  ContactStreamEvent,
  OptionalProfileField,
} from '@crm/contracts';
import { applyChanges, changedFields } from './changes';
import {
  afterAdopting,
  afterMergeUndone,
  afterStatement,
  consentKey,
  consentTimeProblem,
  statementOf,
  type ConsentKey,
} from './consent';
import { InvalidContactData, missingIdentity, type InvalidValue } from './contact-values';
import { mergeProfiles, MergeNotPossible, undoMerge, type MergeRecord } from './merge';

export { consentKey, type ConsentKey } from './consent';
export { MergeNotPossible } from './merge';

/** The Contact aggregate (a person). Time and ids come in with the commands; values arrive normalized (contact-values.ts). */
export type ContactEvent = ContactStreamEvent;

/** A contact that exists and still has its personal data. */
export interface LiveContact {
  contactId: string;
  status: 'active' | 'archived';
  profile: ContactProfile;
  /** The current consent per channel and purpose: the ledger entry with the latest `at`. */
  consents: Partial<Record<ConsentKey, ConsentEntry>>;
  /** Every statement recorded for this contact (`statementOf`), so that the same one is not recorded twice. */
  statements: ReadonlySet<string>;
  companies: Record<string, { role?: string }>;
  /** Set while this contact is merged into another: its id resolves to the survivor. */
  mergedInto?: { survivorId: string; mergeId: string };
  /** Merges into this contact, oldest first; an undone one stays, marked. */
  merges: MergeRecord[];
  /** Per lead linked to this contact, the conversion attempts recorded (ADR 0020), so that one is not answered twice. */
  leadLinks: Readonly<Record<string, readonly number[]>>;
  createdAt: string;
  updatedAt: string;
}

export type Contact =
  | { status: 'none' }
  | LiveContact
  /** Personal data erased (GDPR): only the id and the times remain. */
  | { status: 'erased'; contactId: string; createdAt: string; updatedAt: string; erasedAt: string };

export type ContactCommand =
  | { type: 'CreateContact'; data: { contactId: string; profile: ContactProfile; now: string } }
  /** `changes` already normalized; fields equal to the current value are ignored. */
  | {
      type: 'UpdateContact';
      data: { contactId: string; changes: Partial<ContactProfile>; cleared: OptionalProfileField[]; now: string };
    }
  | { type: 'ArchiveContact'; data: { contactId: string; now: string } }
  | { type: 'EraseContact'; data: { contactId: string; now: string } }
  /** `at`: when the person said it; `now`: when it is recorded. */
  | { type: 'RecordConsent'; data: ContactConsentChangedData & { now: string } }
  | { type: 'LinkToCompany'; data: { contactId: string; companyId: string; role?: string; now: string } }
  | { type: 'UnlinkFromCompany'; data: { contactId: string; companyId: string; now: string } }
  /** On the survivor; `duplicates` are the loaded states of the contacts merged into it. */
  | {
      type: 'MergeContacts';
      data: {
        contactId: string;
        mergeId: string;
        duplicates: readonly LiveContact[];
        /** Per field, the contact whose value wins; the documented rule decides the others. */
        choices: Partial<Record<keyof ContactProfile, string>>;
        now: string;
      };
    }
  | { type: 'MarkMergedInto'; data: { contactId: string; survivorId: string; mergeId: string; now: string } }
  | { type: 'UndoMerge'; data: { contactId: string; mergeId: string; now: string } }
  | { type: 'Unmerge'; data: { contactId: string; survivorId: string; mergeId: string; now: string } }
  /**
   * A lead's conversion (ADR 0020) names this contact, or (`newContact`, then `contactId` is the lead's id) asks for the
   * person to be created as one.
   */
  | {
      type: 'LinkLead';
      data: { contactId: string; leadId: string; attempt: number; newContact?: ContactProfile; now: string };
    };

export class ContactNotFound extends Error {
  override readonly name = 'ContactNotFound';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} does not exist`);
  }
}

export class ContactAlreadyExists extends Error {
  override readonly name = 'ContactAlreadyExists';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} already exists`);
  }
}

export class ContactArchivedError extends Error {
  override readonly name = 'ContactArchivedError';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} is archived and cannot change`);
  }
}

export class ContactErasedError extends Error {
  override readonly name = 'ContactErasedError';
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} was erased`);
  }
}

/** A merged contact changes only through its survivor, until the merge is undone. */
export class ContactMergedError extends Error {
  override readonly name = 'ContactMergedError';
  constructor(
    readonly contactId: string,
    readonly survivorId: string,
  ) {
    super(`Contact ${contactId} was merged into ${survivorId}`);
  }
}

export class MergeNotFound extends Error {
  override readonly name = 'MergeNotFound';
  constructor(
    readonly contactId: string,
    readonly mergeId: string,
  ) {
    super(`Contact ${contactId} has no merge ${mergeId} that can be undone`);
  }
}

/**
 * A contact would have none of a name, an e-mail address and a phone number. Each value may be fine on its own (a
 * request without a name, an update that empties the phones): the contact as a whole could not be told apart.
 */
export class ContactWithoutIdentity extends Error {
  override readonly name = 'ContactWithoutIdentity';
  constructor(readonly problem: InvalidValue) {
    super(`${problem.field}: ${problem.message}`);
  }
}

/** A contact needs a name, an e-mail address or a phone number: one that would have none is refused. */
function assertIdentifies(profile: ContactProfile): void {
  const problem = missingIdentity(profile);
  if (problem) throw new ContactWithoutIdentity(problem);
}

/** The contact, if it exists and may change: not erased, not merged away, and (unless allowed) not archived. */
function changeable(state: Contact, contactId: string, options: { archivedToo?: boolean } = {}): LiveContact {
  if (state.status === 'none') throw new ContactNotFound(contactId);
  if (state.status === 'erased') throw new ContactErasedError(contactId);
  if (state.mergedInto) throw new ContactMergedError(contactId, state.mergedInto.survivorId);
  if (state.status === 'archived' && !options.archivedToo) throw new ContactArchivedError(contactId);
  return state;
}

export function decide(command: ContactCommand, state: Contact): ContactEvent[] {
  switch (command.type) {
    case 'CreateContact': {
      const { contactId, profile, now } = command.data;
      if (state.status !== 'none') throw new ContactAlreadyExists(contactId);
      assertIdentifies(profile);
      return [{ type: 'ContactCreated', data: { contactId, ...profile, at: now } }];
    }
    case 'UpdateContact': {
      const { contactId, now } = command.data;
      const contact = changeable(state, contactId);
      const { changes, cleared } = changedFields(contact.profile, command.data.changes, command.data.cleared);
      if (Object.keys(changes).length === 0 && cleared.length === 0) return [];
      assertIdentifies(applyChanges(contact.profile, changes, cleared));
      return [{ type: 'ContactUpdated', data: { contactId, changes, cleared, at: now } }];
    }
    case 'ArchiveContact': {
      const { contactId, now } = command.data;
      if (changeable(state, contactId, { archivedToo: true }).status === 'archived') return [];
      return [{ type: 'ContactArchived', data: { contactId, at: now } }];
    }
    case 'EraseContact': {
      const { contactId, now } = command.data;
      if (state.status === 'none') throw new ContactNotFound(contactId);
      if (state.status === 'erased') return [];
      return [{ type: 'ContactErased', data: { contactId, at: now } }];
    }
    case 'RecordConsent': {
      const { contactId, channel, purpose, status, source, at, now } = command.data;
      const contact = changeable(state, contactId, { archivedToo: true });
      const problem = consentTimeProblem(at, now);
      if (problem) throw new InvalidContactData([{ field: 'at', message: problem }]);
      const entry: ConsentEntry = { channel, purpose, status, source, at };
      // The same statement again (a retried request, a re-import, also of one older than the current state) adds
      // nothing to the ledger.
      if (contact.statements.has(statementOf(entry))) return [];
      return [{ type: 'ContactConsentChanged', data: { contactId, ...entry } }];
    }
    case 'LinkToCompany': {
      const { contactId, companyId, role, now } = command.data;
      const contact = changeable(state, contactId);
      const link = contact.companies[companyId];
      if (link && link.role === role) return [];
      return [
        { type: 'ContactLinkedToCompany', data: { contactId, companyId, ...(role === undefined ? {} : { role }), at: now } },
      ];
    }
    case 'UnlinkFromCompany': {
      const { contactId, companyId, now } = command.data;
      if (!changeable(state, contactId).companies[companyId]) return [];
      return [{ type: 'ContactUnlinkedFromCompany', data: { contactId, companyId, at: now } }];
    }
    case 'MergeContacts': {
      const { contactId, mergeId, duplicates, choices, now } = command.data;
      const survivor = changeable(state, contactId);
      if (survivor.merges.some((merge) => merge.mergeId === mergeId)) return [];
      if (duplicates.length === 0) throw new MergeNotPossible('Name at least one contact to merge into the survivor');
      for (const duplicate of duplicates) {
        if (duplicate.contactId === contactId) throw new MergeNotPossible('A contact cannot be merged into itself');
        if (duplicate.mergedInto) throw new ContactMergedError(duplicate.contactId, duplicate.mergedInto.survivorId);
      }
      const merged = mergeProfiles(survivor, duplicates, choices);
      return [
        {
          type: 'ContactsMerged',
          data: { contactId, mergeId, mergedContactIds: duplicates.map((d) => d.contactId), ...merged, at: now },
        },
      ];
    }
    case 'MarkMergedInto': {
      const { contactId, survivorId, mergeId, now } = command.data;
      if (state.status === 'none') throw new ContactNotFound(contactId);
      if (state.status === 'erased') throw new ContactErasedError(contactId);
      if (state.mergedInto?.mergeId === mergeId) return [];
      if (state.mergedInto) throw new ContactMergedError(contactId, state.mergedInto.survivorId);
      return [{ type: 'ContactMergedInto', data: { contactId, survivorId, mergeId, at: now } }];
    }
    case 'UndoMerge': {
      const { contactId, mergeId, now } = command.data;
      const survivor = changeable(state, contactId, { archivedToo: true });
      const merge = survivor.merges.find((record) => record.mergeId === mergeId);
      if (!merge) throw new MergeNotFound(contactId, mergeId);
      if (merge.undone) return [];
      return [{ type: 'ContactMergeUndone', data: { contactId, mergeId, ...undoMerge(survivor, merge), at: now } }];
    }
    case 'Unmerge': {
      const { contactId, survivorId, mergeId, now } = command.data;
      if (state.status === 'none') throw new ContactNotFound(contactId);
      if (state.status === 'erased' || state.mergedInto?.mergeId !== mergeId) return [];
      return [{ type: 'ContactUnmerged', data: { contactId, survivorId, mergeId, at: now } }];
    }
    case 'LinkLead': {
      const { contactId, leadId, attempt, newContact, now } = command.data;
      if (state.status === 'none' && newContact) {
        assertIdentifies(newContact);
        return [
          { type: 'ContactCreated', data: { contactId, ...newContact, at: now } },
          { type: 'ContactLinkedToLead', data: { contactId, leadId, attempt, created: true, at: now } },
        ];
      }
      // The person came back: an archived contact is linked too. Its profile stays its own.
      const contact = changeable(state, contactId, { archivedToo: true });
      if (contact.leadLinks[leadId]?.includes(attempt)) return [];
      return [{ type: 'ContactLinkedToLead', data: { contactId, leadId, attempt, created: false, at: now } }];
    }
  }
}

const isLive = (state: Contact): state is LiveContact => state.status === 'active' || state.status === 'archived';

/**
 * When a contact last changed: the latest `at` of its events. A consent's `at` is when the person gave it, which may be
 * long before it was recorded (an import, a paper form): it must not take the last change back before the creation.
 */
export const lastChange = (updatedAt: string, at: string): string => (at > updatedAt ? at : updatedAt);

export function evolve(state: Contact, event: ContactEvent): Contact {
  if (event.type === 'ContactCreated') {
    const { contactId, at, ...profile } = event.data;
    return {
      status: 'active',
      contactId,
      profile,
      consents: {},
      statements: new Set(),
      companies: {},
      merges: [],
      leadLinks: {},
      createdAt: at,
      updatedAt: at,
    };
  }
  if (event.type === 'ContactErased') {
    if (state.status === 'none' || state.status === 'erased') return state;
    const { contactId, createdAt } = state;
    return { status: 'erased', contactId, createdAt, updatedAt: event.data.at, erasedAt: event.data.at };
  }
  if (!isLive(state)) return state;
  const next = { ...state, updatedAt: lastChange(state.updatedAt, event.data.at) };
  switch (event.type) {
    case 'ContactUpdated':
      return { ...next, profile: applyChanges(state.profile, event.data.changes, event.data.cleared) };
    case 'ContactRenamed':
      return { ...next, profile: { ...state.profile, name: event.data.name } };
    case 'ContactEmailChanged': {
      const others = state.profile.emails.filter((email) => !email.primary && email.address !== event.data.email);
      return { ...next, profile: { ...state.profile, emails: [{ address: event.data.email, primary: true }, ...others] } };
    }
    case 'ContactArchived':
      return { ...next, status: 'archived' };
    case 'ContactConsentChanged': {
      const { contactId: _, ...entry } = event.data;
      return {
        ...next,
        consents: afterStatement(state.consents, entry),
        statements: new Set(state.statements).add(statementOf(entry)),
      };
    }
    case 'ContactLinkedToCompany': {
      const { companyId, role } = event.data;
      return { ...next, companies: { ...state.companies, [companyId]: role === undefined ? {} : { role } } };
    }
    case 'ContactUnlinkedFromCompany': {
      const { [event.data.companyId]: _, ...companies } = state.companies;
      return { ...next, companies };
    }
    case 'ContactsMerged': {
      const { mergeId, mergedContactIds, consents, companyLinks } = event.data;
      // Values sealed with the merge's key read as null once someone in it was erased (after an undo): the
      // merge then changed nothing that can still be shown, and the undo that followed restored the rest.
      const changes: Partial<ContactProfile> = withoutRedacted(event.data.changes);
      const record: MergeRecord = {
        mergeId,
        mergedContactIds,
        before: Object.fromEntries(Object.keys(changes).map((field) => [field, state.profile[field as keyof ContactProfile]])),
        after: changes,
        consentsBefore: Object.fromEntries(
          consents.map((entry) => [consentKey(entry), state.consents[consentKey(entry)] ?? null]),
        ),
        consentsAdopted: consents,
        companiesAdopted: companyLinks.map((link) => link.companyId),
        undone: false,
      };
      return {
        ...next,
        profile: applyChanges(state.profile, changes, []),
        consents: afterAdopting(state.consents, consents),
        statements: new Set([...state.statements, ...consents.map(statementOf)]),
        companies: { ...state.companies, ...Object.fromEntries(companyLinks.map(linkEntry)) },
        merges: [...state.merges, record],
      };
    }
    case 'ContactMergeUndone': {
      const { mergeId, changes, cleared, removedCompanyIds } = event.data;
      const companies = Object.fromEntries(Object.entries(state.companies).filter(([id]) => !removedCompanyIds.includes(id)));
      return {
        ...next,
        profile: applyChanges(state.profile, changes, cleared),
        consents: afterMergeUndone(state.consents, event.data),
        companies,
        merges: state.merges.map((merge) => (merge.mergeId === mergeId ? { ...merge, undone: true } : merge)),
      };
    }
    case 'ContactMergedInto':
      return { ...next, mergedInto: { survivorId: event.data.survivorId, mergeId: event.data.mergeId } };
    case 'ContactUnmerged': {
      const { mergedInto: _, ...rest } = next;
      return rest;
    }
    case 'ContactLinkedToLead': {
      const { leadId, attempt } = event.data;
      return { ...next, leadLinks: { ...state.leadLinks, [leadId]: [...(state.leadLinks[leadId] ?? []), attempt] } };
    }
  }
}

const linkEntry = (link: CompanyLink): [string, { role?: string }] => [
  link.companyId,
  link.role === undefined ? {} : { role: link.role },
];

export const contactDecider: Decider<Contact, ContactCommand, ContactEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const contactAggregate: Aggregate<Contact, ContactCommand, ContactEvent> = {
  name: 'contact',
  decider: contactDecider,
};
