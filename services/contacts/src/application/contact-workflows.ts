import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { newId, type CommandSource, type HandleResult } from '@crm/eventsourcing';
import type {
  ContactConsentChangedData,
  ContactProfile,
  FullPersonName,
  InteractionLoggedData,
  OptionalProfileField,
} from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest/privacy.module';
import { correlationMetadata } from '@crm/platform';
import { IDEMPOTENCY_STORE } from '@crm/idempotency/nest';
import { type IdempotencyStore } from '@crm/idempotency';
import {
  ContactErasedError,
  ContactMergedError,
  ContactNotFound,
  type Contact,
  type ContactCommand,
  type ContactEvent,
  type LiveContact,
} from '../domain/contact';
import { normalizeProfile, type ProfileInput } from '../domain/contact-values';
import { CUSTOM_FIELDS_CATALOG_ID } from '../domain/custom-fields';
import type { Interaction } from '../domain/interaction';
import { CompanyNotFound } from '../domain/company';
import {
  COMPANIES,
  CONTACTS,
  CUSTOM_FIELDS,
  INTERACTIONS,
  type Companies,
  type Contacts,
  type CustomFields,
  type Interactions,
} from './repositories';

export type ContactResult = HandleResult<Contact, ContactEvent>;

/** Interactions posted with an external id get a stream id derived from it: posting it twice finds the first. */
const EXTERNAL_INTERACTION_NAMESPACE = '5b0f3f3e-8c1a-4a59-9d6c-1f0e6a3c2b7d';
export const interactionIdFor = (externalId: string): string =>
  uuidv5(`interaction:${externalId}`, EXTERNAL_INTERACTION_NAMESPACE);

const today = (now: string) => now.slice(0, 10);
// A chain of merges is short; the bound only guards against a cycle written by a bug.
const MAX_MERGE_HOPS = 10;

/**
 * The contacts service's use cases that span more than one load-decide-append: reading the custom field
 * catalog before checking values, following merges, merging and undoing across several contacts, erasing.
 */
@Injectable()
export class ContactWorkflows {
  constructor(
    @Inject(CONTACTS) readonly contacts: Contacts,
    @Inject(CUSTOM_FIELDS) private readonly customFields: CustomFields,
    @Inject(INTERACTIONS) private readonly interactions: Interactions,
    @Inject(COMPANIES) private readonly companies: Companies,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  execute(contactId: string, command: CommandSource<Contact, ContactCommand>, expectedRevision?: number): Promise<ContactResult> {
    return this.contacts.handle(contactId, command, { expectedRevision, metadata: correlationMetadata() });
  }

  async create(contactId: string, input: ProfileInput & { name: FullPersonName }, now: string): Promise<ContactResult> {
    const profile = await this.normalize(input, now);
    const complete: ContactProfile = {
      emails: [],
      phones: [],
      addresses: [],
      lifecycleStage: 'lead',
      tags: [],
      customFields: [],
      ...profile,
      name: profile.name ?? input.name,
    };
    // A fresh id: appended without reading the stream first (a taken id falls back to the read, and a 409).
    return this.contacts.handle(
      contactId,
      { type: 'CreateContact', data: { contactId, profile: complete, now } },
      { metadata: correlationMetadata(), expectNew: true },
    );
  }

  async update(
    contactId: string,
    input: ProfileInput,
    cleared: OptionalProfileField[],
    now: string,
    expectedRevision?: number,
  ): Promise<ContactResult> {
    // National phone numbers are read in the contact's country: the command is built from the loaded state.
    return this.execute(
      contactId,
      async (state) => {
        const country = state.status === 'active' || state.status === 'archived' ? state.profile.country : undefined;
        const changes = await this.normalize(input, now, country);
        return { type: 'UpdateContact', data: { contactId, changes, cleared, now } };
      },
      expectedRevision,
    );
  }

  /** The contact an id stands for now: itself, or the survivor it was merged into. */
  async resolve(contactId: string, until?: Date): Promise<{ contactId: string; state: Contact; revision: number }> {
    let id = contactId;
    for (let hop = 0; ; hop++) {
      const { state, revision } = await this.contacts.load(id, until);
      if (state.status === 'none' || state.status === 'erased' || !state.mergedInto || hop === MAX_MERGE_HOPS) {
        return { contactId: id, state, revision };
      }
      id = state.mergedInto.survivorId;
    }
  }

  /** A contact that can take new facts (interactions, consents): resolved through merges, not erased. */
  async liveContact(contactId: string): Promise<LiveContact> {
    return (await this.live(contactId)).state;
  }

  /** The live contact an id stands for, with its revision (the ETag of what is shown). */
  async live(contactId: string): Promise<{ state: LiveContact; revision: number }> {
    const { state, revision } = await this.resolve(contactId);
    if (state.status === 'none') throw new ContactNotFound(contactId);
    if (state.status === 'erased') throw new ContactErasedError(contactId);
    return { state, revision };
  }

  /**
   * Logs an interaction on the contact it was posted for; with an external id, a repeat returns the first one.
   * For a merged contact it stays on that contact's id (sealed with that person's key), and reads resolve it to
   * the survivor: an undo gives it back with the contact, and erasing that person erases it.
   */
  async logInteraction(
    input: Omit<InteractionLoggedData, 'interactionId' | 'at'>,
    now: string,
  ): Promise<{ interaction: InteractionLoggedData; created: boolean }> {
    await this.liveContact(input.contactId); // it exists and is not erased (nor is its survivor)
    const interactionId = input.externalId ? interactionIdFor(input.externalId) : newId();
    const interaction = { ...input, interactionId };
    const result = await this.interactions.handle(
      interactionId,
      { type: 'LogInteraction', data: { interaction, now } },
      // An external id seen before finds its stream on the fallback read: the first interaction stands.
      { metadata: correlationMetadata(), expectNew: true },
    );
    return {
      interaction: (result.state as Extract<Interaction, { status: 'logged' }>).interaction,
      created: result.events.length > 0,
    };
  }

  /**
   * Merges the duplicates into the survivor: ContactsMerged on the survivor first (the source of truth
   * for the merge), then ContactMergedInto on each duplicate. Each step is idempotent per merge id, so a
   * merge cut short by a crash completes when the same request is sent again.
   */
  async merge(
    survivorId: string,
    duplicateIds: readonly string[],
    choices: Partial<Record<keyof ContactProfile, string>>,
    now: string,
    expectedRevision?: number,
  ): Promise<ContactResult & { mergeId: string }> {
    const wanted = [...new Set(duplicateIds)].sort().join();
    let mergeId = '';
    let duplicates: LiveContact[] = [];
    const result = await this.execute(
      survivorId,
      async (survivor) => {
        // A merge of these very contacts that is recorded but was cut short is completed, not made twice.
        const pending =
          'merges' in survivor
            ? survivor.merges.find((m) => !m.undone && [...m.mergedContactIds].sort().join() === wanted)
            : undefined;
        mergeId = pending?.mergeId ?? newId();
        duplicates = [];
        for (const id of new Set(duplicateIds)) {
          const { state } = await this.contacts.load(id);
          if (state.status === 'none') throw new ContactNotFound(id);
          if (state.status === 'erased') throw new ContactErasedError(id);
          // Pending: already marked by this merge, its state before the merge is what the survivor recorded.
          if (state.mergedInto?.mergeId !== mergeId || !pending) duplicates.push(state);
        }
        return { type: 'MergeContacts', data: { contactId: survivorId, mergeId, duplicates, choices, now } };
      },
      expectedRevision,
    );
    for (const duplicate of duplicates) {
      await this.execute(duplicate.contactId, {
        type: 'MarkMergedInto',
        data: { contactId: duplicate.contactId, survivorId, mergeId, now },
      });
    }
    return { ...result, mergeId };
  }

  /** Records what the person said about a channel and purpose; `at` (when they said it) defaults to `now`. */
  recordConsent(
    contactId: string,
    statement: Omit<ContactConsentChangedData, 'contactId' | 'at'> & { at?: string },
    now: string,
  ): Promise<ContactResult> {
    const at = new Date(statement.at ?? now).toISOString();
    return this.execute(contactId, { type: 'RecordConsent', data: { ...statement, contactId, at, now } });
  }

  /** Links the contact to an existing company, with a role. */
  async linkToCompany(contactId: string, companyId: string, role: string | undefined, now: string): Promise<ContactResult> {
    const { state } = await this.companies.load(companyId);
    if (state.status === 'none') throw new CompanyNotFound(companyId);
    return this.execute(contactId, { type: 'LinkToCompany', data: { contactId, companyId, ...(role ? { role } : {}), now } });
  }

  /** Undoes a merge on the survivor, then gives each merged contact back its own life. Idempotent like merge. */
  async undoMerge(survivorId: string, mergeId: string, now: string): Promise<ContactResult> {
    const result = await this.execute(survivorId, { type: 'UndoMerge', data: { contactId: survivorId, mergeId, now } });
    const survivor = result.state as LiveContact;
    const merge = survivor.merges.find((record) => record.mergeId === mergeId);
    for (const contactId of merge?.mergedContactIds ?? []) {
      await this.execute(contactId, { type: 'Unmerge', data: { contactId, survivorId, mergeId, now } });
    }
    return result;
  }

  /**
   * Erases a person: the keys of the contact, of every contact merged into it, and of every merge any of them
   * took part in (a merge's values are sealed with its own key) are deleted first, so nothing of theirs can be
   * read from then on (stored Idempotency-Key responses included, which are then forgotten); then
   * ContactErased is recorded on each. Repeating it after a crash finishes it.
   */
  async erase(contactId: string, now: string): Promise<void> {
    const { state } = await this.contacts.load(contactId);
    if (state.status === 'none') throw new ContactNotFound(contactId);
    // A merged contact is part of its survivor now: erasing only this id would leave its values in the survivor.
    // The person is erased through the survivor (or the merge is undone first).
    if (state.status !== 'erased' && state.mergedInto) throw new ContactMergedError(contactId, state.mergedInto.survivorId);
    const merged = state.status === 'erased' ? [] : state.merges.filter((m) => !m.undone).flatMap((m) => m.mergedContactIds);
    for (const id of [contactId, ...merged]) {
      for (const subject of [id, ...(await this.mergesOf(id))]) {
        await this.vault.erase(subject);
        await this.idempotency.forgetSubject(subject);
      }
      await this.execute(id, { type: 'EraseContact', data: { contactId: id, now } });
    }
  }

  /** The merges a contact took part in, as survivor or as a merged contact, undone or not. */
  private async mergesOf(contactId: string): Promise<string[]> {
    const merges = (await this.contacts.history(contactId)).flatMap(({ event }) =>
      event.type === 'ContactsMerged' || event.type === 'ContactMergedInto' ? [event.data.mergeId] : [],
    );
    return [...new Set(merges)];
  }

  private async normalize(input: ProfileInput, now: string, country?: string): Promise<Partial<ContactProfile>> {
    // The catalog is read only when custom values need checking: most writes do not touch them.
    const customFields = input.customFields ? (await this.customFields.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields : new Map();
    return normalizeProfile(input, { country, customFields, today: today(now) });
  }
}
