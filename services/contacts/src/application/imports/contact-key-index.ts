import type { mongo } from 'mongoose';
import type { ReadModelDocument } from '@crm/service-kit';
import type { ContactListItem } from '../read-models/contact-list';

type ContactList = mongo.Collection<ReadModelDocument<ContactListItem>>;

/** How often a job reads the contacts listed since its last read: others' creates are found after this long at most. */
export const KEY_INDEX_REFRESH_MS = 30_000;
// Each read goes back this far before the last one: a contact listed late (the projection's lag) is still met.
const OVERLAP_MS = 10_000;

/**
 * Who holds each e-mail address and phone number, read from the contact list once per import job, then every
 * KEY_INDEX_REFRESH_MS for the contacts changed since, and kept current with what the job writes. A query per row
 * would scan the list on the MongoDB-wire server, which uses no index but a unique one's (ADR 0002): rows got slower
 * as the store grew. About 300 bytes per address or number (62 MiB of heap for 100,000 contacts with one of each).
 */
export class ContactKeyIndex {
  private readonly emails = new Map<string, string>();
  private readonly phones = new Map<string, string>();
  private readAt = 0;
  private refreshing?: Promise<void>;

  private constructor(
    private readonly list: ContactList,
    private readonly clock: () => number,
  ) {}

  /** The list as it is now: for a key several contacts hold, the oldest; merged contacts left out, as lists do. */
  static async load(list: ContactList, clock = Date.now): Promise<ContactKeyIndex> {
    const index = new ContactKeyIndex(list, clock);
    const startedAt = clock();
    await index.read({});
    index.readAt = startedAt;
    return index;
  }

  emailOwner = (email: string): string | undefined => this.emails.get(email);
  phoneOwner = (phone: string): string | undefined => this.phones.get(phone);

  /** A contact the job wrote: later rows with these keys find it (ahead of the list's holder, as they are newer facts). */
  remember(contactId: string, emails: readonly string[], phones: readonly string[]): void {
    for (const email of emails) this.emails.set(email, contactId);
    for (const phone of phones) this.phones.set(phone, contactId);
  }

  /** Starts reading the contacts changed since the last read, when that is KEY_INDEX_REFRESH_MS ago; never waited for. */
  refresh(): void {
    const startedAt = this.clock();
    if (this.refreshing || startedAt - this.readAt < KEY_INDEX_REFRESH_MS) return;
    const since = new Date(this.readAt - OVERLAP_MS).toISOString();
    this.refreshing = this.read({ updatedAt: { $gte: since } })
      .then(() => void (this.readAt = startedAt))
      // A failed read changes nothing: the next row's refresh tries the same window again.
      .catch(() => undefined)
      .finally(() => (this.refreshing = undefined));
  }

  /** Keys of the listed contacts matching `filter` that no one holds yet (the job's writes and older holders stay). */
  private async read(filter: mongo.Filter<ReadModelDocument<ContactListItem>>): Promise<void> {
    const documents = this.list
      .find({ ...filter, mergedInto: { $exists: false } }, { projection: { _id: 0, contactId: 1, emails: 1, phones: 1 } })
      .sort({ createdAt: 1 })
      .batchSize(2000);
    for await (const { contactId, emails, phones } of documents) {
      for (const email of emails ?? []) if (!this.emails.has(email)) this.emails.set(email, contactId);
      for (const phone of phones ?? []) if (!this.phones.has(phone)) this.phones.set(phone, contactId);
    }
  }
}
