import {
  contactDisplayName,
  contactStreamContracts,
  LIFECYCLE_STAGES,
  phoneText,
  type ConsentEntry,
  type ContactProfile,
  type CustomFieldEntry,
  type OptionalProfileField,
} from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery, normalizeSearchText } from '@crm/read-api';
import { afterAdopting, afterMergeUndone, afterStatement, consentKey, type Consents } from '../../domain/consent';
import { lastChange, type ContactEvent } from '../../domain/contact';
import { normalizeEmail } from '../../domain/contact-values';

/** A contact as lists and searches see it: the contacts service's own read model, one document per contact. */
export interface ContactListItem {
  contactId: string;
  /** How the product names the contact: the full name, else the primary e-mail address, else the primary phone. */
  displayName?: string;
  /** Empty for a contact without a name (known by e-mail or phone only). */
  givenName: string;
  familyName: string;
  /** The primary e-mail address. */
  email?: string;
  emails: string[];
  /** The primary phone number (E.164). */
  phone?: string;
  phones: string[];
  /** The phone numbers as people and exports write them (`+12025550123 ext. 12`), the primary first. */
  phoneTexts?: string[];
  jobTitle?: string;
  country?: string;
  locale?: string;
  source?: string;
  /** When the system the contact was imported from created it. */
  sourceCreatedAt?: string;
  lifecycleStage: ContactProfile['lifecycleStage'];
  ownerId?: string;
  tags: string[];
  /** Absent on documents projected before custom fields were listed (version 1 of the projection). */
  customFields?: CustomFieldEntry[];
  /** The current consent per channel and purpose (the latest statement of each), by channel then purpose. */
  consents?: ConsentEntry[];
  companyIds: string[];
  status: 'active' | 'archived';
  /** Set while merged into another contact; lists leave such contacts out unless asked. */
  mergedInto?: string;
  createdAt: string;
  updatedAt: string;
  /** Lower-case search keys: name parts, full name, e-mail addresses, phone digits. */
  search: string[];
}

const NO_NAME = { givenName: '', familyName: '' };

function profileFields(profile: Partial<ContactProfile>): Partial<ContactListItem> {
  const fields: Partial<ContactListItem> = {};
  if (profile.name) Object.assign(fields, { givenName: profile.name.given, familyName: profile.name.family });
  if (profile.emails)
    Object.assign(fields, {
      emails: profile.emails.map((e) => e.address),
      email: profile.emails.find((e) => e.primary)?.address,
    });
  if (profile.phones) {
    const primaryFirst = [...profile.phones].sort((a, b) => Number(b.primary) - Number(a.primary));
    Object.assign(fields, {
      phones: profile.phones.map((p) => p.number),
      phone: profile.phones.find((p) => p.primary)?.number,
      phoneTexts: primaryFirst.map(phoneText),
    });
  }
  const scalars = ['jobTitle', 'country', 'locale', 'source', 'sourceCreatedAt', 'lifecycleStage', 'ownerId', 'tags'] as const;
  for (const field of scalars) {
    if (field in profile) (fields as Record<string, unknown>)[field] = profile[field];
  }
  // Personal data: null in a merge whose values were erased, which changes nothing here.
  if (profile.customFields) fields.customFields = profile.customFields;
  return fields;
}

/**
 * What follows from the current values: the display name (the domain's rule, contactDisplayName), and search keys so
 * that a search by name, e-mail or phone is an indexed prefix match.
 */
function withSearchKeys(doc: Omit<ContactListItem, 'search'>): ContactListItem {
  const name = [doc.givenName, doc.familyName].filter(Boolean).join(' ');
  const keys = [doc.givenName, doc.familyName, name, ...doc.emails, ...doc.phones, ...doc.phones.map((p) => p.slice(1))];
  // The document keeps the primary phone as text (with its extension), which is what the rule shows of it.
  const byNameOrEmail = contactDisplayName({
    name: { given: doc.givenName, family: doc.familyName },
    emails: doc.email === undefined ? [] : [{ address: doc.email, primary: true }],
  });
  return {
    ...doc,
    displayName: byNameOrEmail || (doc.phoneTexts?.[0] ?? doc.phone ?? ''),
    search: [...new Set(keys.filter(Boolean).map(normalizeSearchText))],
  };
}

/** The document with its consents changed as `change` says (the aggregate's own rules, domain/consent.ts). */
function withConsents(doc: ContactListItem, change: (consents: Consents) => Consents): ContactListItem {
  const current: Consents = Object.fromEntries((doc.consents ?? []).map((entry) => [consentKey(entry), entry]));
  const next = change(current);
  if (next === current) return doc;
  const consents = Object.entries(next)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, entry]) => entry as ConsentEntry);
  return { ...doc, consents };
}

/** The document after profile changes: fields set, cleared optional fields removed, search keys renewed. */
function withProfileChanges(
  doc: ContactListItem,
  changes: Partial<ContactProfile>,
  cleared: readonly OptionalProfileField[],
): ContactListItem {
  const updated: Partial<ContactListItem> = { ...doc, ...profileFields(changes) };
  for (const field of cleared) {
    if (field === 'name') Object.assign(updated, NO_NAME);
    else delete (updated as Record<string, unknown>)[field];
  }
  return withSearchKeys(updated as ContactListItem);
}

export function evolveContactListItem(doc: ContactListItem | undefined, event: ContactEvent): ContactListItem | null {
  if (event.type === 'ContactCreated') {
    const { contactId, at, ...profile } = event.data;
    return withSearchKeys({
      contactId,
      ...NO_NAME,
      ...(profileFields(profile) as Pick<
        ContactListItem,
        'givenName' | 'familyName' | 'emails' | 'phones' | 'lifecycleStage' | 'tags'
      >),
      companyIds: [],
      status: 'active',
      createdAt: at,
      updatedAt: at,
    });
  }
  // Their personal data is in this document in plaintext: it goes.
  if (event.type === 'ContactErased' || !doc) return null;
  const next = { ...doc, updatedAt: lastChange(doc.updatedAt, event.data.at) };
  switch (event.type) {
    case 'ContactUpdated':
      return withProfileChanges(next, event.data.changes, event.data.cleared);
    case 'ContactsMerged':
      return withProfileChanges(
        withConsents(
          { ...next, companyIds: [...doc.companyIds, ...event.data.companyLinks.map((l) => l.companyId)] },
          (consents) => afterAdopting(consents, event.data.consents),
        ),
        event.data.changes,
        [],
      );
    case 'ContactMergeUndone': {
      const companyIds = doc.companyIds.filter((id) => !event.data.removedCompanyIds.includes(id));
      const undone = withConsents({ ...next, companyIds }, (consents) => afterMergeUndone(consents, event.data));
      return withProfileChanges(undone, event.data.changes, event.data.cleared);
    }
    case 'ContactConsentChanged': {
      const { contactId: _, ...entry } = event.data;
      return withConsents(next, (consents) => afterStatement(consents, entry));
    }
    case 'ContactRenamed':
      return withSearchKeys({ ...next, givenName: event.data.name.given, familyName: event.data.name.family });
    case 'ContactEmailChanged':
      return withSearchKeys({
        ...next,
        email: event.data.email,
        emails: [event.data.email, ...doc.emails.filter((e) => e !== doc.email && e !== event.data.email)],
      });
    case 'ContactArchived':
      return { ...next, status: 'archived' };
    case 'ContactLinkedToCompany':
      return doc.companyIds.includes(event.data.companyId)
        ? next
        : { ...next, companyIds: [...doc.companyIds, event.data.companyId] };
    case 'ContactUnlinkedFromCompany':
      return { ...next, companyIds: doc.companyIds.filter((id) => id !== event.data.companyId) };
    case 'ContactMergedInto':
      return { ...next, mergedInto: event.data.survivorId };
    case 'ContactUnmerged': {
      const { mergedInto: _, ...rest } = next;
      return rest;
    }
    // A lead linked (ADR 0020) is a change of the contact, as it is on the contact itself.
    case 'ContactLinkedToLead':
      return next;
    default:
      return doc;
  }
}

/** The contacts service's own list: one document per contact, with its personal data in plaintext (searched). */
export const contactListProjection = defineProjection({
  name: 'contact-list',
  collection: 'contact_list',
  // 2: customFields; 3: consents; 4: displayName, phoneTexts, sourceCreatedAt (lists built before lack them for contacts
  // not changed since).
  version: 4,
  handles: contactStreamContracts,
  documentId: (event) => event.data.contactId,
  // An erased person's events read with null personal data (a replay after the erasure): no document.
  evolve: (doc: ContactListItem | undefined, event) => (event.personalDataErased ? null : evolveContactListItem(doc, event)),
  // What the list below filters, sorts and searches on (defineListQuery checks that each is served). A sort's index ends
  // with the cursor's tie-breaker `_id`, and is read backwards for the other direction. An equality filter's index
  // goes on with the default order, so that a filtered list pages through the index (`?ownerId=...` by createdAt).
  indexes: [
    { fields: { search: 1 } },
    { fields: { emails: 1 } },
    { fields: { phones: 1 } },
    { fields: { companyIds: 1 } },
    { fields: { createdAt: 1, _id: 1 } },
    { fields: { updatedAt: 1, _id: 1 } },
    { fields: { familyName: 1, _id: 1 } },
    { fields: { givenName: 1, _id: 1 } },
    { fields: { lifecycleStage: 1, _id: 1 } },
    { fields: { status: 1, createdAt: 1, _id: 1 } },
    { fields: { ownerId: 1, createdAt: 1, _id: 1 } },
    { fields: { tags: 1, createdAt: 1, _id: 1 } },
    { fields: { jobTitle: 1, createdAt: 1, _id: 1 } },
    { fields: { country: 1, createdAt: 1, _id: 1 } },
    { fields: { locale: 1, createdAt: 1, _id: 1 } },
    { fields: { source: 1, createdAt: 1, _id: 1 } },
    { fields: { mergedInto: 1 } },
  ],
});

/** What `GET /v1/contacts` filters and sorts on (docs/contacts.md lists it); everything else is a 400. */
export const contactListQuery = defineListQuery({
  readModel: contactListProjection,
  fields: {
    status: { type: 'enum', values: ['active', 'archived'] },
    lifecycleStage: { type: 'enum', values: LIFECYCLE_STAGES },
    email: {
      type: 'string',
      path: 'emails',
      array: true,
      normalize: normalizeEmail,
      description: 'Any of the e-mail addresses.',
    },
    phone: { type: 'string', path: 'phones', array: true, description: 'Any of the phone numbers, E.164.' },
    givenName: { type: 'string' },
    familyName: { type: 'string' },
    jobTitle: { type: 'string' },
    country: { type: 'string', maxLength: 2 },
    locale: { type: 'string', maxLength: 35 },
    source: { type: 'string' },
    ownerId: { type: 'uuid' },
    tags: { type: 'string', array: true },
    companyId: { type: 'uuid', path: 'companyIds', array: true },
    mergedInto: { type: 'uuid', description: 'Merged contacts are left out unless this is asked for.' },
    createdAt: { type: 'date-time' },
    updatedAt: { type: 'date-time' },
  },
  sortable: ['createdAt', 'updatedAt', 'familyName', 'givenName', 'lifecycleStage'],
  defaultSort: 'createdAt',
  search: { paths: ['search'], description: 'Prefix of a name, an e-mail address or a phone number.' },
  extraKeys: { includeMerged: { values: ['true', 'false'], description: '`true`: also list contacts merged into another.' } },
});
