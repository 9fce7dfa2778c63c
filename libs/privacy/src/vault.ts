import {
  piiSubjectOf,
  isRedacted,
  mapAtPointers,
  redact,
  UNVERSIONED_SCHEMA_VERSION,
  type AnyEventContract,
  type ContractRegistry,
} from '@crm/contracts';
import { isSealed, openValue, sealValue } from './cipher';
import type { NewKeyWrite, SubjectKeyStore } from './key-store';

/** Any event shape the vault handles: a type, data, and metadata that may carry the schema version. */
export interface SealableEvent {
  type: string;
  data: unknown;
  /** Stored events carry their schema version here... */
  metadata?: { schemaVersion?: unknown; [key: string]: unknown };
  /** ...and CloudEvents here. */
  dataVersion?: number;
}

/**
 * Crypto-shredding (ADR 0007). Personal data is never null in plaintext, so null means erased. The values a contract marks as personal data (`pii()`) are sealed with
 * the key of the event's customer before the event is stored, and stay sealed in the store, on Kafka
 * and wherever a consumer keeps them; they are opened with the customer's key where they are shown.
 * Once the customer is erased their key is gone, and every sealed value of theirs opens as null.
 */
export class PersonalDataVault {
  constructor(
    private readonly contracts: ContractRegistry,
    private readonly keys: SubjectKeyStore,
  ) {}

  /**
   * Seals the personal data of events about to be appended (their data already in the current version).
   * Throws SubjectErasedError for an erased customer: nothing personal is ever written for them again.
   */
  async seal<E extends SealableEvent>(events: readonly E[]): Promise<E[]> {
    return this.sealWith(events, new Map());
  }

  /**
   * Seals the events that bring a customer into being (`newSubject`, e.g. a contact created), who has no key yet: when
   * the store can, with a new key, not yet stored, and the write that stores it, to commit with the events
   * (`keyWrite`, an append's companion). That write does nothing if the customer has a key or was erased, and the
   * events must then not be stored. Events about anyone else are sealed as `seal` does.
   */
  async sealNew<E extends SealableEvent>(
    events: readonly E[],
    newSubject: string,
  ): Promise<{ events: E[]; keyWrite?: NewKeyWrite }> {
    const subjects = new Set(events.map((event) => this.subjectOf(this.contractOf(event), event)).filter((s) => s !== undefined));
    if (subjects.size !== 1 || !subjects.has(newSubject) || !this.keys.newKey) return { events: await this.seal(events) };
    const subject = newSubject;
    const { key, write } = this.keys.newKey(subject);
    return { events: await this.sealWith(events, new Map([[subject, key]])), keyWrite: write };
  }

  private async sealWith<E extends SealableEvent>(events: readonly E[], keys: Map<string, Buffer>): Promise<E[]> {
    const sealed: E[] = [];
    for (const event of events) {
      const contract = this.contractOf(event);
      const subject = this.subjectOf(contract, event);
      if (!subject) {
        sealed.push(event);
        continue;
      }
      let key = keys.get(subject);
      if (!key) keys.set(subject, (key = await this.keys.keyFor(subject)));
      const data = mapAtPointers(event.data, contract.pii, (value) =>
        isSealed(value) || value === null ? value : sealValue(key, subject, value),
      );
      sealed.push({ ...event, data });
    }
    return sealed;
  }

  /**
   * The events with their personal data opened, for consumers that show it; an erased customer's
   * values open as null (`isRedacted` tells such an event).
   */
  async open<E extends SealableEvent>(events: readonly E[]): Promise<E[]> {
    const subjects = new Set<string>();
    const prepared = events.map((event) => {
      const contract = this.contractOf(event);
      const subject = this.subjectOf(contract, event);
      if (subject) subjects.add(subject);
      return { event, contract, subject };
    });
    const keys = await this.keys.keysOf([...subjects]);
    return prepared.map(({ event, contract, subject }) => {
      if (!subject) return event;
      const key = keys.get(subject);
      // Plaintext values (stored before sealing existed) pass as they are; null is already erased.
      const open = (value: unknown) => (isSealed(value) ? (key ? openValue(key, subject, value) : null) : value);
      return { ...event, data: mapAtPointers(event.data, contract.pii, open) };
    });
  }

  /**
   * Stored events as the domain sees them: opened, upcast to the current version, and checked
   * against it (a redacted one is not checked: its personal data is null).
   */
  async toDomainEvents<Event extends { type: string; data: unknown }>(stored: readonly SealableEvent[]): Promise<Event[]> {
    return (await this.open(stored)).map((event) => {
      const contract = this.contractOf(event);
      return { type: contract.name, data: this.contracts.decode(contract.name, contract.version, event.data) } as Event;
    });
  }

  /**
   * Stored events as Kafka should carry them: in the current version, personal data still sealed.
   * Only events in an older version are opened, upcast and sealed again; an erased customer's carry null in place of
   * every personal value (also those the upcast filled in, such as an empty list: nothing personal goes out in the clear).
   */
  async toPublished<E extends SealableEvent & { metadata: object }>(stored: readonly E[]): Promise<E[]> {
    const old = stored.filter((event) => schemaVersionOf(event) !== this.contracts.currentVersion(event.type));
    if (old.length === 0) return [...stored];
    const current = await this.toDomainEvents(old);
    const upcast = old.map((event, index) => ({
      ...event,
      data: current[index].data,
      metadata: { ...event.metadata, schemaVersion: this.contracts.currentVersion(event.type) },
    }));
    // A redacted event has nothing left to seal: its personal data is null.
    const live = upcast.flatMap((event, index) => {
      const { pii } = this.contractOf(event);
      if (!isRedacted(event.data, pii)) return [index];
      upcast[index] = { ...event, data: redact(event.data, pii) };
      return [];
    });
    const resealed = await this.seal(live.map((index) => upcast[index]));
    live.forEach((index, n) => (upcast[index] = resealed[n]));
    const byOriginal = new Map(old.map((event, index) => [event, upcast[index]]));
    return stored.map((event) => byOriginal.get(event) ?? event);
  }

  /**
   * Seals any value about one customer (not an event: e.g. a stored HTTP response that shows their data).
   * Throws SubjectErasedError once they are erased.
   */
  async sealFor(subjectId: string, value: unknown): Promise<string> {
    return sealValue(await this.keys.keyFor(subjectId), subjectId, value);
  }

  /** A value sealed by `sealFor`, opened; undefined once the customer is erased (their key is gone). */
  async openFor(subjectId: string, sealed: string): Promise<unknown> {
    const key = (await this.keys.keysOf([subjectId])).get(subjectId);
    return key ? openValue(key, subjectId, sealed) : undefined;
  }

  /** Erases a customer's personal data everywhere it is sealed: their key is deleted. */
  erase(subjectId: string): Promise<void> {
    return this.keys.erase(subjectId);
  }

  private contractOf(event: SealableEvent): AnyEventContract {
    return this.contracts.get(event.type, schemaVersionOf(event));
  }

  private subjectOf(contract: AnyEventContract, event: SealableEvent): string | undefined {
    return contract.pii.length === 0 ? undefined : piiSubjectOf(contract, event.data);
  }
}

function schemaVersionOf(event: SealableEvent): number {
  const version = event.dataVersion ?? event.metadata?.schemaVersion;
  return typeof version === 'number' ? version : UNVERSIONED_SCHEMA_VERSION;
}
