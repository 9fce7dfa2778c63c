import { LRUCache } from 'lru-cache';
import type { StoredDocument } from './document';
import type { DocumentWrite } from './plan';

/**
 * The documents a writer wrote last, so that it need not read them back before the next batch, and the
 * turns of its batches: two that share a document run one after the other (`inTurn`). Sound only for a
 * collection that one writer fills, as a rebuild fills its staging collection under its claim; a failed
 * batch forgets its documents so that the retry reads them from the database.
 */
export class DocumentCache {
  private readonly documents: LRUCache<string, StoredDocument>;
  /** By document id: the last batch that touches it, settled once that batch is done. */
  private readonly turns = new Map<string, Promise<void>>();

  /**
   * True while every document the writer wrote is cached (none evicted or forgotten): for a collection it
   * filled from empty, one not cached is then one not written yet, and need not be looked for.
   */
  private holdsAll: boolean;

  constructor(maxDocuments = 50_000, { startsEmpty = false }: { startsEmpty?: boolean } = {}) {
    this.holdsAll = startsEmpty;
    this.documents = new LRUCache({ max: maxDocuments, dispose: (_document, _id, reason) => this.lost(reason) });
  }

  /** The cached documents among `ids`, and the ids to read from the database. */
  lookup(ids: readonly string[]): { found: Map<string, StoredDocument>; missing: string[] } {
    const found = new Map<string, StoredDocument>();
    const missing: string[] = [];
    for (const id of ids) {
      const document = this.documents.get(id);
      if (document) found.set(id, document);
      else if (!this.holdsAll) missing.push(id);
    }
    return { found, missing };
  }

  remember(writes: readonly DocumentWrite[]): void {
    for (const write of writes) {
      if (write.type === 'delete') this.documents.delete(write.expected._id);
      else this.documents.set(write.document._id, write.document);
    }
  }

  /**
   * Runs `work` once every earlier batch that shares one of `ids` is done; batches with no document in common
   * run at once. Turns are taken in call order, all ids at once, so no two batches wait for each other.
   */
  async inTurn<T>(ids: readonly string[], work: () => Promise<T>): Promise<T> {
    const earlier = new Set<Promise<void>>();
    for (const id of ids) {
      const turn = this.turns.get(id);
      if (turn) earlier.add(turn);
    }
    const result = Promise.all(earlier).then(work);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    for (const id of ids) this.turns.set(id, done);
    try {
      return await result;
    } finally {
      for (const id of ids) if (this.turns.get(id) === done) this.turns.delete(id);
    }
  }

  forget(ids: Iterable<string>): void {
    this.holdsAll = false; // a failed write may have written some of them
    for (const id of ids) this.documents.delete(id);
  }

  private lost(reason: LRUCache.DisposeReason): void {
    if (reason === 'evict') this.holdsAll = false;
  }
}
