/** A person's key is gone: their personal data can no longer be read, nor new data sealed for them. */
export class SubjectErasedError extends Error {
  override readonly name = 'SubjectErasedError';
  constructor(readonly subjectId: string) {
    super(`The personal data of ${subjectId} has been erased`);
  }
}

/**
 * One data key per person (subject = customer id). Erasing deletes the key and leaves a tombstone,
 * so that no new key is ever made for an erased person.
 */
export interface SubjectKeyStore {
  /** The subject's key, made on first use. Throws SubjectErasedError once the subject is erased. */
  keyFor(subjectId: string): Promise<Buffer>;
  /** The keys of these subjects that exist; erased and unknown subjects are absent. */
  keysOf(subjectIds: readonly string[]): Promise<Map<string, Buffer>>;
  /**
   * Optional: a key for a subject assumed to have none, not yet stored, and the write that stores it. The write does
   * nothing when the subject has a row (a key, or a tombstone): then this key must not be used. Whoever seals with it
   * commits that write with what it seals (an event store's append companion).
   */
  newKey?(subjectId: string): { key: Buffer; write: NewKeyWrite };
  /** Deletes the key for good; erasing twice, or a subject never seen, is harmless. */
  erase(subjectId: string): Promise<void>;
}

/** Stores a new key, unless the subject already has a row; the shape of an event store's append companion. */
export interface NewKeyWrite {
  /** The same write as one SQL statement (yielding a row when it wrote), for a store in the same database. */
  statement?: { name: string; text: string; values: readonly unknown[] };
  /** Writes it on its own; whether it wrote. */
  write(): Promise<boolean>;
}
