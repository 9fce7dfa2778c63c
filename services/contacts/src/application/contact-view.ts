import type { CompanyLink, CompanyProfile, ConsentEntry, ContactProfile } from '@crm/contracts';
import { streamOf } from '@crm/eventsourcing';
import { historyOf, positionIn, type HistoryEntry, type RecordedChange, type Written } from '@crm/service-kit';
import { companyAggregate, CompanyNotFound, type Company } from '../domain/company';
import {
  contactAggregate,
  contactDecider,
  ContactErasedError,
  ContactNotFound,
  type Contact,
  type ContactEvent,
  type LiveContact,
} from '../domain/contact';
import { companyListProjection } from './read-models/company-list';
import { contactListProjection } from './read-models/contact-list';

/** A contact as the API shows it. */
export type ContactView = ContactProfile & {
  contactId: string;
  status: 'active' | 'archived';
  consents: ConsentEntry[];
  companies: CompanyLink[];
  /** Set when the contact was merged into another. */
  mergedInto?: string;
  merges: { mergeId: string; mergedContactIds: string[]; undone: boolean }[];
  createdAt: string;
  updatedAt: string;
  revision: number;
};

export function contactView(contact: LiveContact, revision: number): ContactView {
  const { contactId, status, profile, consents, companies, mergedInto, merges, createdAt, updatedAt } = contact;
  return {
    contactId,
    status,
    ...profile,
    consents: Object.values(consents).filter((entry): entry is ConsentEntry => entry !== undefined),
    companies: Object.entries(companies).map(([companyId, link]) => ({ companyId, ...link })),
    ...(mergedInto ? { mergedInto: mergedInto.survivorId } : {}),
    merges: merges.map(({ mergeId, mergedContactIds, undone }) => ({ mergeId, mergedContactIds, undone })),
    createdAt,
    updatedAt,
    revision,
  };
}

/**
 * A contact as a write or a read of it answers: its view, the revision it shows (the ETag), and where the contact
 * list will show it (Position-Token). Throws for a contact that does not exist, or no longer.
 */
export function writtenContact(
  contactId: string,
  { state, revision }: { state: Contact; revision: number },
): Written<ContactView> {
  if (state.status === 'none') throw new ContactNotFound(contactId);
  if (state.status === 'erased') throw new ContactErasedError(contactId);
  return {
    view: contactView(state, revision),
    revision,
    position: positionIn(contactListProjection, contactId, streamOf(contactAggregate, contactId), revision),
  };
}

/** A company as the API shows it. */
export type CompanyView = CompanyProfile & {
  companyId: string;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  revision: number;
};

/** A company as a write or a read of it answers (see writtenContact). */
export function writtenCompany(
  companyId: string,
  { state, revision }: { state: Company; revision: number },
): Written<CompanyView> {
  if (state.status === 'none') throw new CompanyNotFound(companyId);
  const { status, profile, createdAt, updatedAt } = state;
  return {
    view: { companyId: state.companyId, status, ...profile, createdAt, updatedAt, revision },
    revision,
    position: positionIn(companyListProjection, companyId, streamOf(companyAggregate, companyId), revision),
  };
}

// A contact's history is every aggregate's (`historyOf`), over its own flattened fields.
export type { FieldChange, HistoryEntry } from '@crm/service-kit';

type Flat = Record<string, unknown>;

/** The fields of a contact state that history compares, flattened to one level (`consents.email/newsletter`). */
function flatten(state: Contact): Flat {
  if (state.status === 'none') return {};
  if (state.status === 'erased') return { status: 'erased' };
  const flat: Flat = { status: state.status, ...state.profile, mergedInto: state.mergedInto?.survivorId };
  for (const [key, entry] of Object.entries(state.consents))
    flat[`consents.${key}`] = entry && { status: entry.status, source: entry.source, at: entry.at };
  for (const [companyId, link] of Object.entries(state.companies)) flat[`companies.${companyId}`] = link;
  return flat;
}

/** Every change of a contact: who, when, which fields, old and new values (personal data as it reads now). */
export function contactHistory(entries: readonly RecordedChange<ContactEvent>[]): HistoryEntry[] {
  return historyOf(contactDecider, entries, flatten);
}
