import {
  customerIdOf,
  isRedacted,
  mapAtPointers,
  UNVERSIONED_SCHEMA_VERSION,
  type AnyEventContract,
  type ContractRegistry,
} from '@crm/contracts';
import { isSealed, openValue, sealValue } from './cipher';
import type { SubjectKeyStore } from './key-store';

/** Any event shape the vault handles: a type, data, and metadata that may carry the schema version. */
export interface SealableEvent {
  type: string;
  data: unknown;
  /** Stored events carry their schema version here... */
  metadata?: { schemaVersion?: unknown; [key: string]: unknown };
  /** ...and CloudEvents here. */
  dataVersion?: number;
}

export interface OpenedEvent<E extends SealableEvent> {
  event: E;
  /** The subject was erased: the personal data in `event.data` is null. */
  redacted: boolean;
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
    const sealed: E[] = [];
    for (const event of events) {
      const contract = this.contractOf(event);
      const subject = this.subjectOf(contract, event);
      if (!subject) {
        sealed.push(event);
        continue;
      }
      const key = await this.keys.keyFor(subject);
      const data = mapAtPointers(event.data, contract.pii, (value) =>
        isSealed(value) || value === null ? value : sealValue(key, subject, value),
      );
      sealed.push({ ...event, data });
    }
    return sealed;
  }

  /** Opens sealed personal data; an erased customer's values become null (see `redacted`). */
  async open<E extends SealableEvent>(events: readonly E[]): Promise<OpenedEvent<E>[]> {
    const subjects = new Set<string>();
    const prepared = events.map((event) => {
      const contract = this.contractOf(event);
      const subject = this.subjectOf(contract, event);
      if (subject) subjects.add(subject);
      return { event, contract, subject };
    });
    const keys = await this.keys.keysOf([...subjects]);
    return prepared.map(({ event, contract, subject }) => {
      if (!subject) return { event, redacted: false };
      const key = keys.get(subject);
      // Plaintext values (stored before sealing existed) pass as they are; null is already erased.
      const open = (value: unknown) => (isSealed(value) ? (key ? openValue(key, subject, value) : null) : value);
      const data = mapAtPointers(event.data, contract.pii, open);
      return { event: { ...event, data }, redacted: isRedacted(data, contract.pii) };
    });
  }

  /** The events with their personal data opened (null for erased customers): for consumers that show it. */
  async openAll<E extends SealableEvent>(events: readonly E[]): Promise<E[]> {
    return (await this.open(events)).map(({ event }) => event);
  }

  /**
   * Stored events as the domain sees them: opened, upcast to the current version, and checked
   * against it (a redacted one is not checked: its personal data is null).
   */
  async toDomainEvents<Event extends { type: string; data: unknown }>(stored: readonly SealableEvent[]): Promise<Event[]> {
    return (await this.open(stored)).map(({ event }) => {
      const version = schemaVersionOf(event);
      const contract = this.contracts.get(event.type, version);
      return { type: contract.name, data: this.contracts.decode(contract.name, contract.version, event.data) } as Event;
    });
  }

  /**
   * Stored events as Kafka should carry them: in the current version, personal data still sealed.
   * Only an event in an older version is opened, upcast and sealed again (with nulls for an erased customer).
   */
  async toPublished<E extends SealableEvent & { metadata: object }>(stored: readonly E[]): Promise<E[]> {
    const isOld = (event: E) => schemaVersionOf(event) !== this.contracts.currentVersion(event.type);
    if (!stored.some(isOld)) return [...stored];
    const published: E[] = [];
    for (const event of stored) {
      if (!isOld(event)) {
        published.push(event);
        continue;
      }
      const [current] = await this.toDomainEvents([event]);
      const upcast = {
        ...event,
        data: current.data,
        metadata: { ...event.metadata, schemaVersion: this.contracts.currentVersion(event.type) },
      };
      // A redacted event has nothing left to seal (its personal data is null); `seal` leaves nulls alone.
      published.push(isRedacted(upcast.data, this.contractOf(upcast).pii) ? upcast : (await this.seal([upcast]))[0]);
    }
    return published;
  }

  /** Erases a customer's personal data everywhere it is sealed: their key is deleted. */
  erase(subjectId: string): Promise<void> {
    return this.keys.erase(subjectId);
  }

  private contractOf(event: SealableEvent): AnyEventContract {
    return this.contracts.get(event.type, schemaVersionOf(event));
  }

  private subjectOf(contract: AnyEventContract, event: SealableEvent): string | undefined {
    return contract.pii.length === 0 ? undefined : customerIdOf(contract, event.data);
  }
}

function schemaVersionOf(event: SealableEvent): number {
  const version = event.dataVersion ?? event.metadata?.schemaVersion;
  return typeof version === 'number' ? version : UNVERSIONED_SCHEMA_VERSION;
}
