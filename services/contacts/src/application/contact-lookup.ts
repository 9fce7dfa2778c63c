import { Injectable } from '@nestjs/common';
import { NO_STREAM_REVISION } from '@crm/eventsourcing';
import { InjectRepository, type RepositoryOf } from '@crm/service-kit';
import {
  contactAggregate,
  ContactErasedError,
  ContactNotFound,
  type Contact,
  type ContactEvent,
  type LiveContact,
} from '../domain/contact';
import { contactHistory, type HistoryEntry } from './contact-view';

// A chain of merges is short; the bound only guards against a cycle written by a bug.
const MAX_MERGE_HOPS = 10;

/** One contact's own record: every change, and the consent ledger. */
export interface ContactRecord {
  contactId: string;
  history: HistoryEntry[];
  consentLedger: unknown[];
}

/** Reads of a contact that several use cases share: through merges, live or not, its own stream's record. */
@Injectable()
export class ContactLookup {
  constructor(@InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>) {}

  /** The contact an id stands for now (or at `until`): itself, or the survivor it was merged into. */
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

  /** The live contact an id stands for, with its revision: one that can take new facts (not unknown, not erased). */
  async live(contactId: string): Promise<{ state: LiveContact; revision: number }> {
    const { state, revision } = await this.resolve(contactId);
    if (state.status === 'none') throw new ContactNotFound(contactId);
    if (state.status === 'erased') throw new ContactErasedError(contactId);
    return { state, revision };
  }

  /** One contact's own stream: its history and consent ledger (ContactNotFound, ContactErasedError once erased). */
  async recordOf(contactId: string): Promise<ContactRecord> {
    const entries = await this.contacts.history(contactId);
    if (entries.length === 0) throw new ContactNotFound(contactId);
    if (entries.some(({ event }) => event.type === 'ContactErased')) throw new ContactErasedError(contactId);
    return {
      contactId,
      history: contactHistory(entries),
      consentLedger: entries.flatMap(({ event, recorded }) =>
        event.type === 'ContactConsentChanged' ? [{ ...event.data, recordedAt: recorded.recordedAt.toISOString() }] : [],
      ),
    };
  }

  /**
   * The subjects whose keys hold a contact's personal data, with the revision of its stream they were read at: its
   * own, every merge it took part in (as survivor or merged, undone or not), every lead linked to it (ADR 0020).
   */
  async subjectsOf(contactId: string): Promise<{ subjects: string[]; revision: number }> {
    const history = await this.contacts.history(contactId);
    const events = history.map(({ event }) => event);
    return {
      subjects: [...new Set([contactId, ...mergesOf(events), ...leadsOf(events)])],
      revision: history.at(-1)?.recorded.revision ?? NO_STREAM_REVISION,
    };
  }
}

/** The merges a contact's stream records it took part in. */
const mergesOf = (events: readonly ContactEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'ContactsMerged' || event.type === 'ContactMergedInto' ? [event.data.mergeId] : []));

/** The leads a contact's stream records it was linked to: their keys seal the person's data in sales. */
const leadsOf = (events: readonly ContactEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'ContactLinkedToLead' ? [event.data.leadId] : []));

/** The contact and every contact merged into it (not undone): whose interactions are its own now. */
export function mergedIdsOf(contact: LiveContact): string[] {
  return [contact.contactId, ...contact.merges.filter((merge) => !merge.undone).flatMap((merge) => merge.mergedContactIds)];
}
