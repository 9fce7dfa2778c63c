import type {
  ConsentChannel,
  ConsentEntry,
  ConsentPurpose,
  ContactProfile,
  ContactsEvent,
  FullPersonName,
  LeadErasedData,
  LifecycleStage,
  OptionalProfileField,
} from '@crm/contracts';
import { contactDisplayName, withoutRedacted } from '@crm/contracts';

/** The current consent for one channel and purpose: the ledger entry with the latest `at`. */
export type ConsentState = ConsentEntry;

export interface ChannelStats {
  count: number;
  lastAt: string;
}

export interface CompanyLinkState {
  companyId: string;
  role?: string;
  linkedAt: string;
}

/** Facts about one contact, from its own events only (merged contacts are combined when read). */
export interface LiveProfile {
  contactId: string;
  status: 'active' | 'archived' | 'merged';
  // Identity: name, e-mail and phone are personal data in plaintext, so the document goes when the person is erased.
  /** How the contact is shown: the full name, else the primary e-mail address, else the primary phone (contactDisplayName). */
  displayName?: string;
  /** Absent for a contact known by e-mail or phone only. */
  name?: FullPersonName;
  email?: string;
  phone?: string;
  /** The primary phone's extension. */
  phoneExtension?: string;
  country?: string;
  locale?: string;
  timezone?: string;
  jobTitle?: string;
  source?: string;
  /** When the system the contact was imported from created it. */
  sourceCreatedAt?: string;
  lifecycleStage?: LifecycleStage;
  tags: string[];
  ownerId?: string;
  companyLinks: CompanyLinkState[];
  consents: ConsentState[];
  /** Per interaction channel. */
  interactions: Record<string, ChannelStats>;
  firstSeenAt: string;
  lastSeenAt: string;
  createdAt?: string;
  archivedAt?: string;
  /** While merged into another contact (the survivor). */
  mergedInto?: string;
  mergeId?: string;
}

/** What is left of an erased person: nothing personal. */
export interface ErasedProfile {
  contactId: string;
  status: 'erased';
  /** Absent while only redacted events were seen (a replay after the erasure, before ContactErased). */
  erasedAt?: string;
}

export type CustomerProfile = LiveProfile | ErasedProfile;

export interface ProfileInput {
  customerId: string;
  /** Decoded: upcast to the current version, personal data opened. A lead's erasure is a person's (ADR 0020). */
  event: ContactsEvent | { type: 'LeadErased'; data: LeadErasedData };
  occurredAt: string;
  /** Its personal data opened as null: the person was erased. */
  redacted: boolean;
}

/**
 * The next profile of a customer. Order-tolerant (an event from another topic may come before ContactCreated): any
 * event makes the document. ContactErased (LeadErased for a lead), or an event whose personal data opens as null, leaves only a tombstone,
 * the same whether the events were applied before the erasure (live) or after it (a rebuild).
 */
export function evolveProfile(
  doc: CustomerProfile | undefined,
  { customerId, event, occurredAt, redacted }: ProfileInput,
): CustomerProfile {
  if (event.type === 'ContactErased' || event.type === 'LeadErased')
    return { contactId: customerId, status: 'erased', erasedAt: event.data.at };
  if (doc?.status === 'erased') return doc;
  if (redacted) return { contactId: customerId, status: 'erased' };
  const seen = seenAt(doc ?? newProfile(customerId, occurredAt), occurredAt);
  const next = withDisplayName(apply(seen, event, occurredAt));
  return { ...next, status: next.mergedInto ? 'merged' : next.archivedAt ? 'archived' : 'active' };
}

function newProfile(contactId: string, at: string): LiveProfile {
  return {
    contactId,
    status: 'active',
    tags: [],
    companyLinks: [],
    consents: [],
    interactions: {},
    firstSeenAt: at,
    lastSeenAt: at,
  };
}

const seenAt = (profile: LiveProfile, at: string): LiveProfile => ({
  ...profile,
  firstSeenAt: at < profile.firstSeenAt ? at : profile.firstSeenAt,
  lastSeenAt: at > profile.lastSeenAt ? at : profile.lastSeenAt,
});

function apply(profile: LiveProfile, event: ContactsEvent, occurredAt: string): LiveProfile {
  switch (event.type) {
    case 'ContactCreated': {
      const { contactId: _contactId, at, ...fields } = event.data;
      return { ...profile, ...identityOf(fields), createdAt: at };
    }
    case 'ContactUpdated':
      return clear({ ...profile, ...identityOf(event.data.changes) }, event.data.cleared);
    case 'ContactRenamed':
      return { ...profile, name: event.data.name };
    case 'ContactEmailChanged':
      return { ...profile, email: event.data.email };
    case 'ContactArchived':
      return { ...profile, archivedAt: event.data.at };
    case 'ContactConsentChanged': {
      const { contactId: _contactId, ...entry } = event.data;
      return { ...profile, consents: recordConsents(profile.consents, [entry]) };
    }
    case 'ContactLinkedToCompany':
      return { ...profile, companyLinks: link(profile.companyLinks, event.data, event.data.at) };
    case 'ContactUnlinkedFromCompany':
      return { ...profile, companyLinks: unlink(profile.companyLinks, [event.data.companyId]) };
    case 'ContactsMerged': {
      const { changes, consents, companyLinks, at } = event.data;
      return {
        ...profile,
        // Null: sealed with the merge's key, which an erasure of someone in the merge deleted (after an undo).
        ...identityOf(withoutRedacted(changes)),
        consents: recordConsents(profile.consents, consents),
        companyLinks: companyLinks.reduce((links, adopted) => link(links, adopted, at), profile.companyLinks),
      };
    }
    case 'ContactMergeUndone': {
      const { changes, cleared, consents, removedConsents, removedCompanyIds } = event.data;
      return clear(
        {
          ...profile,
          ...identityOf(changes),
          // Restored as they were before the merge, however old: not latest-wins.
          consents: sortConsents([
            ...profile.consents.filter((held) => ![...consents, ...removedConsents].some((gone) => sameConsent(gone, held))),
            ...consents,
          ]),
          companyLinks: unlink(profile.companyLinks, removedCompanyIds),
        },
        cleared,
      );
    }
    case 'ContactMergedInto':
      return { ...profile, mergedInto: event.data.survivorId, mergeId: event.data.mergeId };
    case 'ContactUnmerged':
      // Only the undo of the merge in force: an older merge's undo changes nothing.
      if (profile.mergeId !== event.data.mergeId) return profile;
      return withoutMerge(profile);
    case 'InteractionLogged':
      return { ...profile, interactions: countInteraction(profile.interactions, event.data.channel, occurredAt) };
    default:
      return profile;
  }
}

/**
 * The profile with its display name from what it keeps of the contact (name, primary e-mail, primary phone), and without
 * the fields a change left without a value (a primary phone without an extension): JSON has no undefined.
 */
function withDisplayName({ displayName: _, ...kept }: LiveProfile): LiveProfile {
  const profile = Object.fromEntries(Object.entries(kept).filter(([, value]) => value !== undefined)) as unknown as LiveProfile;
  const { name, email, phone, phoneExtension } = profile;
  const displayName = contactDisplayName({
    name,
    emails: email === undefined ? [] : [{ address: email, primary: true }],
    phones:
      phone === undefined
        ? []
        : [{ number: phone, ...(phoneExtension !== undefined && { extension: phoneExtension }), primary: true }],
  });
  // Nothing to show before ContactCreated arrives (an event from another topic came first).
  return displayName === '' ? profile : { ...profile, displayName };
}

function withoutMerge({ mergedInto: _mergedInto, mergeId: _mergeId, ...profile }: LiveProfile): LiveProfile {
  return profile;
}

type IdentityFields = Pick<
  LiveProfile,
  | 'name'
  | 'email'
  | 'phone'
  | 'phoneExtension'
  | 'country'
  | 'locale'
  | 'timezone'
  | 'jobTitle'
  | 'source'
  | 'sourceCreatedAt'
  | 'lifecycleStage'
  | 'tags'
  | 'ownerId'
>;

/** The profile fields a create, update or merge carries, as the profile keeps them (only those present). */
function identityOf(fields: Partial<ContactProfile>): Partial<IdentityFields> {
  const identity: Partial<IdentityFields> = {};
  if ('name' in fields) identity.name = fields.name;
  if ('emails' in fields) identity.email = primaryOf(fields.emails ?? [])?.address;
  if ('phones' in fields) {
    const primary = primaryOf(fields.phones ?? []);
    identity.phone = primary?.number;
    identity.phoneExtension = primary?.extension;
  }
  const scalars = [
    'country',
    'locale',
    'timezone',
    'jobTitle',
    'source',
    'sourceCreatedAt',
    'lifecycleStage',
    'ownerId',
  ] as const;
  for (const key of scalars) {
    if (key in fields) (identity as Record<string, unknown>)[key] = fields[key];
  }
  if ('tags' in fields) identity.tags = fields.tags ?? [];
  return identity;
}

const primaryOf = <T extends { primary: boolean }>(entries: readonly T[]): T | undefined =>
  entries.find((entry) => entry.primary) ?? entries[0];

function clear(profile: LiveProfile, cleared: readonly OptionalProfileField[]): LiveProfile {
  const next: Record<string, unknown> = { ...profile };
  for (const field of cleared) delete next[field];
  return next as unknown as LiveProfile;
}

/** Latest `at` wins per channel and purpose; on a tie the later event, as the ledger records it. */
export function recordConsents(current: readonly ConsentState[], entries: readonly ConsentState[]): ConsentState[] {
  let consents = [...current];
  for (const entry of entries) {
    const held = consents.find((consent) => sameConsent(consent, entry));
    if (held && held.at > entry.at) continue;
    consents = [...consents.filter((consent) => !sameConsent(consent, entry)), entry];
  }
  return sortConsents(consents);
}

const sameConsent = (
  a: { channel: ConsentChannel; purpose: ConsentPurpose },
  b: { channel: ConsentChannel; purpose: ConsentPurpose },
) => a.channel === b.channel && a.purpose === b.purpose;

const sortConsents = (consents: ConsentState[]): ConsentState[] =>
  consents.sort((a, b) => compare(a.channel, b.channel) || compare(a.purpose, b.purpose));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Linking again changes the role and keeps when the link was first made. */
function link(links: readonly CompanyLinkState[], { companyId, role }: { companyId: string; role?: string }, at: string) {
  const held = links.find((existing) => existing.companyId === companyId);
  const next = { companyId, ...(role !== undefined && { role }), linkedAt: held?.linkedAt ?? at };
  return held ? links.map((existing) => (existing === held ? next : existing)) : [...links, next];
}

const unlink = (links: readonly CompanyLinkState[], companyIds: readonly string[]) =>
  links.filter((existing) => !companyIds.includes(existing.companyId));

export function countInteraction(stats: Readonly<Record<string, ChannelStats>>, channel: string, at: string) {
  const held = stats[channel];
  return { ...stats, [channel]: { count: (held?.count ?? 0) + 1, lastAt: held && held.lastAt > at ? held.lastAt : at } };
}

/** Interaction counts and first/last seen of a survivor together with the contacts merged into it. */
export function combineActivity(
  profiles: readonly CustomerProfile[],
): Pick<LiveProfile, 'interactions' | 'firstSeenAt' | 'lastSeenAt'> | undefined {
  const live = profiles.filter((profile): profile is LiveProfile => profile.status !== 'erased');
  if (live.length === 0) return undefined;
  const interactions: Record<string, ChannelStats> = {};
  for (const profile of live) {
    for (const [channel, stats] of Object.entries(profile.interactions)) {
      const held = interactions[channel];
      interactions[channel] = held
        ? { count: held.count + stats.count, lastAt: held.lastAt > stats.lastAt ? held.lastAt : stats.lastAt }
        : { ...stats };
    }
  }
  return {
    interactions,
    firstSeenAt: live.map((profile) => profile.firstSeenAt).reduce((a, b) => (a < b ? a : b)),
    lastSeenAt: live.map((profile) => profile.lastSeenAt).reduce((a, b) => (a > b ? a : b)),
  };
}
