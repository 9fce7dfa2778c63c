import { LRUCache } from 'lru-cache';
import type { StoredDocument } from './document';
import type { DocumentWrite } from './plan';

/**
 * The documents a writer wrote last, so that it need not read them back before the next batch.
 * Sound only for a collection that one writer fills one batch at a time, as a rebuild fills its
 * staging collection; even then every write stays guarded, and a failed batch forgets its documents
 * so that the retry reads them from the database.
 */
export class DocumentCache {
  private readonly documents: LRUCache<string, StoredDocument>;

  constructor(maxDocuments = 50_000) {
    this.documents = new LRUCache({ max: maxDocuments });
  }

  /** The cached documents among `ids`, and the ids to read from the database. */
  lookup(ids: readonly string[]): { found: Map<string, StoredDocument>; missing: string[] } {
    const found = new Map<string, StoredDocument>();
    const missing: string[] = [];
    for (const id of ids) {
      const document = this.documents.get(id);
      if (document) found.set(id, document);
      else missing.push(id);
    }
    return { found, missing };
  }

  remember(writes: readonly DocumentWrite[]): void {
    for (const write of writes) {
      if (write.type === 'delete') this.documents.delete(write.expected._id);
      else this.documents.set(write.document._id, write.document);
    }
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.documents.delete(id);
  }
}
