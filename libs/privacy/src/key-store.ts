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
  /** Deletes the key for good; erasing twice, or a subject never seen, is harmless. */
  erase(subjectId: string): Promise<void>;
}
