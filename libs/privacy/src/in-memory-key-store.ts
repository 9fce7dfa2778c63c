import { newDataKey } from './cipher';
import { SubjectErasedError, type NewKeyWrite, type SubjectKeyStore } from './key-store';

/** For unit tests. */
export class InMemorySubjectKeyStore implements SubjectKeyStore {
  private readonly keys = new Map<string, Buffer | null>();

  async keyFor(subjectId: string): Promise<Buffer> {
    let key = this.keys.get(subjectId);
    if (key === null) throw new SubjectErasedError(subjectId);
    if (!key) this.keys.set(subjectId, (key = newDataKey()));
    return key;
  }

  newKey(subjectId: string): { key: Buffer; write: NewKeyWrite } {
    const key = newDataKey();
    const write = async () => !this.keys.has(subjectId) && (this.keys.set(subjectId, key), true);
    return { key, write: { write } };
  }

  async keysOf(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (const id of subjectIds) {
      const key = this.keys.get(id);
      if (key) found.set(id, key);
    }
    return found;
  }

  async erase(subjectId: string): Promise<void> {
    this.keys.set(subjectId, null);
  }
}
