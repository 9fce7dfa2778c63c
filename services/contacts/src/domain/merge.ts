import {
  LIFECYCLE_STAGES,
  OPTIONAL_PROFILE_FIELDS,
  type CompanyLink,
  type ConsentEntry,
  type ContactMergeUndoneData,
  type ContactProfile,
  type ContactsMergedData,
  type LifecycleStage,
  type OptionalProfileField,
} from '@crm/contracts';
import { sameValue } from './changes';
import type { LiveContact } from './contact';
import { consentKey } from './consent';
import { phoneKey } from './contact-values';

/** What a merge did to the survivor, kept in its state so that the merge can be undone. */
export interface MergeRecord {
  mergeId: string;
  mergedContactIds: string[];
  /** The survivor's values before the merge, for each field it changed (undefined: it had none). */
  before: Partial<Record<keyof ContactProfile, unknown>>;
  after: Partial<ContactProfile>;
  /** Per adopted consent key, the survivor's entry before (null: none). */
  consentsBefore: Record<string, ConsentEntry | null>;
  consentsAdopted: ConsentEntry[];
  companiesAdopted: string[];
  undone: boolean;
}

export class MergeNotPossible extends Error {
  override readonly name = 'MergeNotPossible';
}

/**
 * Survivor's entries first, then the others' new ones, up to the contract's bound. One primary: the
 * survivor's, or when it has none, the first duplicate's that has one.
 */
function union<T extends object>(lists: T[][], identity: (item: T) => string, max: number): T[] {
  const seen = new Set<string>();
  const result: T[] = [];
  let hasPrimary = false;
  for (const list of lists) {
    for (const item of list) {
      if (seen.has(identity(item))) continue;
      seen.add(identity(item));
      if (!('primary' in item)) result.push(item);
      else {
        const primary: boolean = (item as { primary?: unknown }).primary === true && !hasPrimary;
        hasPrimary ||= primary;
        result.push({ ...item, primary });
      }
    }
  }
  return result.slice(0, max);
}

// `other` says nothing about progress, so any known stage beats it.
const stageRank = (stage: LifecycleStage) => (stage === 'other' ? -1 : LIFECYCLE_STAGES.indexOf(stage));

/**
 * The documented merge rule (docs/contacts.md): a field chosen per request takes the chosen contact's
 * value; otherwise lists (e-mails, phones, addresses, tags, custom fields) are combined with the
 * survivor's entries first and its primary kept, single values keep the survivor's value or take the
 * first duplicate's when the survivor has none, and the lifecycle stage is the most advanced one.
 */
export function mergedProfile(
  survivor: ContactProfile,
  duplicates: readonly { contactId: string; profile: ContactProfile }[],
  choices: Partial<Record<keyof ContactProfile, string>>,
  survivorId: string,
): ContactProfile {
  const all = [survivor, ...duplicates.map((d) => d.profile)];
  const merged: ContactProfile = {
    ...survivor,
    emails: union(
      all.map((p) => p.emails),
      (e) => e.address,
      10,
    ),
    phones: union(
      all.map((p) => p.phones),
      phoneKey,
      10,
    ),
    addresses: union(
      all.map((p) => p.addresses),
      (a) => JSON.stringify(a),
      5,
    ),
    tags: [...new Set(all.flatMap((p) => p.tags))].slice(0, 50),
    customFields: union(
      all.map((p) => p.customFields),
      (c) => c.key,
      50,
    ),
    lifecycleStage: all.map((p) => p.lifecycleStage).reduce((a, b) => (stageRank(b) > stageRank(a) ? b : a)),
  };
  for (const field of OPTIONAL_PROFILE_FIELDS) {
    const first = all.find((p) => p[field] !== undefined)?.[field];
    if (first !== undefined) (merged as unknown as Record<string, unknown>)[field] = first;
  }
  for (const [field, chosenId] of Object.entries(choices) as [keyof ContactProfile, string][]) {
    const chosen = chosenId === survivorId ? survivor : duplicates.find((d) => d.contactId === chosenId)?.profile;
    if (!chosen) throw new MergeNotPossible(`The value of ${field} can only be chosen from the contacts being merged`);
    if (chosen[field] !== undefined) (merged as unknown as Record<string, unknown>)[field] = chosen[field];
  }
  return merged;
}

/** What merging the duplicates into the survivor changes: the data of ContactsMerged. */
export function mergeProfiles(
  survivor: LiveContact,
  duplicates: readonly LiveContact[],
  choices: Partial<Record<keyof ContactProfile, string>>,
): Pick<ContactsMergedData, 'changes' | 'consents' | 'companyLinks'> {
  const merged = mergedProfile(survivor.profile, duplicates, choices, survivor.contactId);
  const changes = Object.fromEntries(
    Object.entries(merged).filter(([field, value]) => !sameValue(survivor.profile[field as keyof ContactProfile], value)),
  ) as Partial<ContactProfile>;

  // Consent: per channel and purpose the latest statement of any of them is the person's current will.
  const latest = new Map<string, ConsentEntry>();
  for (const contact of [survivor, ...duplicates]) {
    for (const entry of Object.values(contact.consents)) {
      const current = entry && latest.get(consentKey(entry));
      // Strictly later: on a tie the survivor's own statement stands.
      if (entry && (!current || entry.at > current.at)) latest.set(consentKey(entry), entry);
    }
  }
  const consents = [...latest.values()].filter((entry) => !sameValue(survivor.consents[consentKey(entry)], entry));

  const companyLinks: CompanyLink[] = [];
  for (const duplicate of duplicates) {
    for (const [companyId, link] of Object.entries(duplicate.companies)) {
      if (survivor.companies[companyId] || companyLinks.some((l) => l.companyId === companyId)) continue;
      companyLinks.push({ companyId, ...link });
    }
  }
  return { changes, consents, companyLinks };
}

/**
 * What undoing a merge restores on the survivor: each field, consent and link the merge brought goes
 * back to what it was before, unless something changed it since (a later edit wins over the undo).
 */
export function undoMerge(
  survivor: LiveContact,
  merge: MergeRecord,
): Omit<ContactMergeUndoneData, 'contactId' | 'mergeId' | 'at'> {
  const changes: Record<string, unknown> = {};
  const cleared: OptionalProfileField[] = [];
  for (const [field, after] of Object.entries(merge.after)) {
    if (!sameValue(survivor.profile[field as keyof ContactProfile], after)) continue;
    const before = merge.before[field as keyof ContactProfile];
    if (before === undefined) cleared.push(field as OptionalProfileField);
    else changes[field] = before;
  }
  const consents: ConsentEntry[] = [];
  const removedConsents: ContactMergeUndoneData['removedConsents'] = [];
  for (const adopted of merge.consentsAdopted) {
    if (!sameValue(survivor.consents[consentKey(adopted)], adopted)) continue;
    const before = merge.consentsBefore[consentKey(adopted)];
    if (before) consents.push(before);
    else removedConsents.push({ channel: adopted.channel, purpose: adopted.purpose });
  }
  const removedCompanyIds = merge.companiesAdopted.filter((companyId) => survivor.companies[companyId] !== undefined);
  return {
    restoredContactIds: merge.mergedContactIds,
    changes: changes as Partial<ContactProfile>,
    cleared,
    consents,
    removedConsents,
    removedCompanyIds,
  };
}
