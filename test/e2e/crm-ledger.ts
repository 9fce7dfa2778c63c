import { LIFECYCLE_STAGES, type InteractionChannel, type LifecycleStage } from '@crm/contracts';

/** The facts of a person as the test expects the services to hold them (e-mails and phones primary first). */
export interface Identity {
  name: { given: string; family: string };
  emails: string[];
  /** E.164. */
  phones: string[];
  country: string;
  lifecycleStage: LifecycleStage;
  tags: string[];
  jobTitle?: string;
}

export interface LoggedInteraction {
  interactionId: string;
  /** The contact the interaction was posted for (a merged one's survivor shows it while the merge lasts). */
  contactId: string;
  channel: InteractionChannel;
  occurredAt: string;
  subject?: string;
  externalId: string;
}

export interface ContactRecord {
  /** Short name for messages and diffs: `c007`. */
  label: string;
  contactId: string;
  identity: Identity;
  createdAt: string;
  /** Event types on the contact's own stream, in order, with their times (absent when the test cannot know it). */
  events: { type: string; at?: string }[];
  interactions: LoggedInteraction[];
  mergedInto?: string;
  erased: boolean;
}

export interface MergeRecord {
  mergeId: string;
  survivorId: string;
  duplicateIds: string[];
  undone: boolean;
  /** The survivor's identity before the merge: what an undo restores (nothing changes it in between here). */
  before: Identity;
}

export interface ExpectedTimeline {
  customerId: string;
  mergedInto?: string;
  contactIds: string[];
  entries: number;
  types: Record<string, number>;
  channels: Record<string, number>;
  interactionIds: string[];
}

// `other` says nothing about progress, so any known stage beats it (docs/contacts.md, merge rule).
const stageRank = (stage: LifecycleStage) => (stage === 'other' ? -1 : LIFECYCLE_STAGES.indexOf(stage));
const union = (lists: string[][]) => [...new Set(lists.flat())];
const countBy = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});
const latest = (times: (string | undefined)[]) => times.filter((t): t is string => !!t).reduce((a, b) => (a > b ? a : b));
const earliest = (times: (string | undefined)[]) => times.filter((t): t is string => !!t).reduce((a, b) => (a < b ? a : b));

/**
 * What the test did to the contacts service, and what it therefore expects of both services: the merge rule,
 * resolution of merged ids and erasure as docs/contacts.md and docs/analytics.md describe them.
 */
export class CrmLedger {
  readonly contacts = new Map<string, ContactRecord>();
  readonly merges: MergeRecord[] = [];

  contact(contactId: string): ContactRecord {
    const record = this.contacts.get(contactId);
    if (!record) throw new Error(`No contact ${contactId} in the ledger`);
    return record;
  }

  label(contactId: string): string {
    return this.contacts.get(contactId)?.label ?? contactId;
  }

  created(label: string, contactId: string, identity: Identity, createdAt: string): void {
    this.contacts.set(contactId, {
      label,
      contactId,
      identity,
      createdAt,
      events: [{ type: 'ContactCreated', at: createdAt }],
      interactions: [],
      erased: false,
    });
  }

  /** The contact an id stands for now: itself, or the end of its chain of merges. */
  resolve(contactId: string): string {
    let id = contactId;
    while (this.contact(id).mergedInto) id = this.contact(id).mergedInto!;
    return id;
  }

  /** The survivor first, then every contact currently merged into it (recursively). */
  contactIdsOf(survivorId: string): string[] {
    const ids = [survivorId];
    for (let i = 0; i < ids.length; i++) {
      for (const record of this.contacts.values()) if (record.mergedInto === ids[i]) ids.push(record.contactId);
    }
    return ids;
  }

  /** An interaction posted for `requestedId` stays on that contact (reads resolve a merged one to its survivor). */
  logged(requestedId: string, interaction: Omit<LoggedInteraction, 'contactId'>): LoggedInteraction {
    const logged = { ...interaction, contactId: requestedId };
    this.contact(logged.contactId).interactions.push(logged);
    return logged;
  }

  merged(survivorId: string, duplicateIds: string[], mergeId: string, at: string): void {
    const survivor = this.contact(survivorId);
    const all = [survivor, ...duplicateIds.map((id) => this.contact(id))].map((record) => record.identity);
    this.merges.push({ mergeId, survivorId, duplicateIds, undone: false, before: survivor.identity });
    survivor.identity = {
      ...survivor.identity,
      emails: union(all.map((identity) => identity.emails)),
      phones: union(all.map((identity) => identity.phones)),
      tags: union(all.map((identity) => identity.tags)),
      lifecycleStage: all.map((identity) => identity.lifecycleStage).reduce((a, b) => (stageRank(b) > stageRank(a) ? b : a)),
      jobTitle: all.find((identity) => identity.jobTitle !== undefined)?.jobTitle,
    };
    survivor.events.push({ type: 'ContactsMerged', at });
    for (const id of duplicateIds) {
      this.contact(id).mergedInto = survivorId;
      this.contact(id).events.push({ type: 'ContactMergedInto', at });
    }
  }

  undone(mergeId: string, at: string): MergeRecord {
    const merge = this.merges.find((record) => record.mergeId === mergeId)!;
    merge.undone = true;
    const survivor = this.contact(merge.survivorId);
    survivor.identity = merge.before;
    survivor.events.push({ type: 'ContactMergeUndone', at });
    for (const id of merge.duplicateIds) {
      delete this.contact(id).mergedInto;
      this.contact(id).events.push({ type: 'ContactUnmerged', at });
    }
    return merge;
  }

  /** Erasing a contact erases the contacts merged into it too (docs/contacts.md); returns every erased record. */
  erased(contactId: string): ContactRecord[] {
    const records = this.contactIdsOf(contactId).map((id) => this.contact(id));
    for (const record of records) {
      record.erased = true;
      record.events.push({ type: 'ContactErased' });
    }
    return records;
  }

  /** Every event the contacts service recorded for what the test did. */
  eventCount(): number {
    return [...this.contacts.values()].reduce((sum, record) => sum + record.events.length + record.interactions.length, 0);
  }

  expectedTimeline(requestedId: string): ExpectedTimeline {
    const customerId = this.resolve(requestedId);
    const records = this.contactIdsOf(customerId).map((id) => this.contact(id));
    const interactions = records.flatMap((record) => record.interactions);
    const types = countBy([
      ...records.flatMap((record) => record.events.map((event) => event.type)),
      ...interactions.map(() => 'InteractionLogged'),
    ]);
    return {
      customerId,
      ...(customerId === requestedId ? {} : { mergedInto: customerId }),
      contactIds: records.map((record) => record.contactId).sort(),
      entries: Object.values(types).reduce((sum, count) => sum + count, 0),
      types,
      channels: countBy(interactions.map((interaction) => interaction.channel)),
      interactionIds: interactions.map((interaction) => interaction.interactionId).sort(),
    };
  }

  /** The profile docs/analytics.md describes: the survivor's facts with the activity of everyone merged into it. */
  expectedProfile(requestedId: string): Record<string, unknown> {
    const customerId = this.resolve(requestedId);
    const header = {
      customerId,
      ...(customerId === requestedId ? {} : { mergedInto: customerId }),
      contactIds: this.contactIdsOf(customerId).sort(),
    };
    const survivor = this.contact(customerId);
    if (survivor.erased) return { ...header, status: 'erased', erasedAt: '<a time>' };
    const records = this.contactIdsOf(customerId).map((id) => this.contact(id));
    const interactions = records.flatMap((record) => record.interactions);
    const byChannel: Record<string, { count: number; lastAt: string }> = {};
    for (const { channel, occurredAt } of interactions) {
      const held = byChannel[channel];
      byChannel[channel] = { count: (held?.count ?? 0) + 1, lastAt: held && held.lastAt > occurredAt ? held.lastAt : occurredAt };
    }
    const times = [
      ...records.flatMap((record) => record.events.map((event) => event.at)),
      ...interactions.map((interaction) => interaction.occurredAt),
    ];
    const { name, emails, phones, country, lifecycleStage, tags, jobTitle } = survivor.identity;
    return {
      ...header,
      status: 'active',
      // Every contact of the scenario has a name: that is what the profile shows (ADR 0021).
      displayName: `${name.given} ${name.family}`,
      name,
      email: emails[0],
      ...(phones.length > 0 ? { phone: phones[0] } : {}),
      country,
      lifecycleStage,
      tags,
      ...(jobTitle ? { jobTitle } : {}),
      companies: [],
      consents: [],
      interactions: { total: interactions.length, byChannel },
      firstSeenAt: earliest(times),
      lastSeenAt: latest(times),
      createdAt: survivor.createdAt,
      // The scenario places no order and opens no deal.
      sales: { lifetimeValue: [], products: [], openDeals: [] },
    };
  }
}
