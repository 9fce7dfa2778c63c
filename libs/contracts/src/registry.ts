import {
  cloudEventType,
  customerIdOf,
  nullPiiMeansErased,
  parseCloudEventType,
  topicOf,
  type AnyEventContract,
} from './contract';
import {
  ContractDefinitionError,
  ContractViolationError,
  describeViolations,
  UnknownEventTypeError,
  UnknownSchemaVersionError,
  type ContractViolation,
} from './errors';
import { isAtOrBelow, isRedacted, redact } from './pointers';
import type { AnyUpcaster } from './upcaster';
import { compileContract, createAjv, type ContractValidator } from './validation';

/** What one service contributes: every version of its event types, and the upcasters between them. */
export interface ContractSet {
  readonly contracts: readonly AnyEventContract[];
  readonly upcasters?: readonly AnyUpcaster[];
}

/** An event as the store or a consumer holds it; `metadata.schemaVersion` is the version of `data`. */
export interface VersionedEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: { readonly schemaVersion?: unknown };
}

/** Events stored before schemas were versioned carry no `schemaVersion`: they are version 1. */
export const UNVERSIONED_SCHEMA_VERSION = 1;

interface CompiledContract {
  readonly contract: AnyEventContract;
  readonly validate: ContractValidator;
}

interface EventType {
  readonly current: AnyEventContract;
  readonly versions: ReadonlyMap<number, CompiledContract>;
  /** By the version they upcast from. */
  readonly upcasters: ReadonlyMap<number, AnyUpcaster>;
}

/**
 * Every event contract of the CRM, by event type. Built once at start-up from the services'
 * contract sets; it refuses to build when a contract or upcaster is inconsistent, so a broken
 * contract stops the service instead of corrupting a stream. Schemas are compiled once, here.
 */
export class ContractRegistry {
  private readonly types = new Map<string, EventType>();

  constructor(...sets: readonly ContractSet[]) {
    const versionsByName = compileVersions(sets.flatMap((set) => set.contracts));
    const upcastersByName = checkUpcasters(
      sets.flatMap((set) => set.upcasters ?? []),
      versionsByName,
    );
    for (const [name, versions] of versionsByName) {
      const current = versions.get(Math.max(...versions.keys()))!.contract;
      const eventType: EventType = { current, versions, upcasters: upcastersByName.get(name) ?? new Map() };
      for (const version of versions.keys()) assertUpcastPath(eventType, version);
      this.types.set(name, eventType);
    }
  }

  /** The contract of an event type (its name, or its CloudEvents type), current version unless one is given. */
  get(type: string, version?: number): AnyEventContract {
    const eventType = this.eventType(type);
    return version === undefined ? eventType.current : this.versionOf(eventType, version).contract;
  }

  /** Like `get`, but undefined where `get` throws. */
  find(type: string, version?: number): AnyEventContract | undefined {
    const eventType = this.lookup(type);
    return version === undefined ? eventType?.current : eventType?.versions.get(version)?.contract;
  }

  /** The current contract of every event type, in registration order. */
  all(): AnyEventContract[] {
    return [...this.types.values()].map((eventType) => eventType.current);
  }

  /** Every version of an event type, oldest first. */
  history(type: string): AnyEventContract[] {
    return [...this.eventType(type).versions.values()].map((entry) => entry.contract).sort((a, b) => a.version - b.version);
  }

  /** The upcasters of an event type, oldest first. */
  upcastersOf(type: string): AnyUpcaster[] {
    return [...this.eventType(type).upcasters.values()].sort((a, b) => a.fromVersion - b.fromVersion);
  }

  /** Services with at least one contract, in registration order. */
  services(): string[] {
    return [...new Set(this.all().map((contract) => contract.service))];
  }

  /** The distinct timeline categories of the current contracts, in registration order. */
  timelineCategories(): string[] {
    return [...new Set(this.all().flatMap((contract) => (contract.timeline ? [contract.timeline.category] : [])))];
  }

  /** The Kafka topic of a service that has contracts: `crm.contacts`. */
  topicOf(service: string): string {
    if (!this.services().includes(service)) throw new Error(`No contracts for service "${service}"`);
    return topicOf(service);
  }

  currentVersion(type: string): number {
    return this.eventType(type).current.version;
  }

  /** Every way `data` breaks the contract (current version unless one is given); empty when it is valid. */
  validate(type: string, data: unknown, version?: number): ContractViolation[] {
    const eventType = this.eventType(type);
    return this.versionOf(eventType, version ?? eventType.current.version).validate(data);
  }

  /** Throws ContractViolationError, listing every failing path, when `data` breaks the contract. */
  assertValid(type: string, data: unknown, version?: number): void {
    const contract = this.get(type, version);
    const violations = this.validate(type, data, version);
    if (violations.length > 0) throw new ContractViolationError(contract.name, contract.version, violations);
  }

  /**
   * Upcasts `data` from the schema version it was written in to the current one.
   * Throws UnknownSchemaVersionError for a version this build does not know (e.g. newer).
   */
  toCurrent(type: string, version: number, data: unknown): unknown {
    const eventType = this.eventType(type);
    this.versionOf(eventType, version);
    let upcast = data;
    for (let at = version; at < eventType.current.version;) {
      const upcaster = eventType.upcasters.get(at)!; // a path exists: checked when the registry was built
      upcast = upcaster.upcast(upcast);
      at = upcaster.toVersion;
    }
    return upcast;
  }

  /**
   * Whether an event (its data in the version it was written in) reads with null personal data because its
   * customer was erased; not so when another subject's key sealed it (a merge) and only that key is gone.
   */
  isOfErasedCustomer(type: string, version: number, data: unknown): boolean {
    const contract = this.get(type, version);
    return nullPiiMeansErased(contract) && isRedacted(data, contract.pii);
  }

  /**
   * What a consumer does on receipt: upcast to the current version, then check the contract. An
   * erased person's event (personal data null, see PersonalDataVault) is checked except for its
   * personal values, so that a replay after the erasure refuses what the live run refused.
   */
  decode(type: string, version: number, data: unknown): unknown {
    const redacted = isRedacted(data, this.get(type, version).pii);
    const current = this.toCurrent(type, version, data);
    if (!redacted) this.assertValid(type, current);
    else {
      const { name, version: currentVersion, pii } = this.get(type);
      const violations = this.validate(name, current).filter((v) => !pii.some((pointer) => isAtOrBelow(v.path, pointer)));
      if (violations.length > 0) throw new ContractViolationError(name, currentVersion, violations);
    }
    return current;
  }

  /**
   * What a producer does before append: check `data` against the current contract and stamp
   * its version into the metadata. The type comes back as the event name the store uses.
   */
  prepareForAppend<Data, Metadata extends object = object>(event: {
    type: string;
    data: Data;
    metadata?: Metadata;
  }): { type: string; data: Data; metadata: Metadata & { schemaVersion: number } } {
    const contract = this.get(event.type);
    this.assertValid(contract.name, event.data);
    return {
      type: contract.name,
      data: event.data,
      metadata: { ...(event.metadata as Metadata), schemaVersion: contract.version },
    };
  }

  /**
   * A stored event as the domain sees it: data upcast to the current version and checked.
   * Fits `AggregateRepository`'s `toDomainEvent` option.
   */
  toDomainEvent<Event extends { type: string; data: unknown } = { type: string; data: unknown }>(stored: VersionedEvent): Event {
    const storedVersion = stored.metadata?.schemaVersion ?? UNVERSIONED_SCHEMA_VERSION;
    const { contract } = this.versionOf(this.eventType(stored.type), storedVersion);
    return { type: contract.name, data: this.decode(contract.name, contract.version, stored.data) } as Event;
  }

  /**
   * A stored event as consumers should see it: data upcast to the current version and validated,
   * `metadata.schemaVersion` set to match. The relay publishes this, so Kafka carries current versions.
   */
  toCurrentRecorded<E extends VersionedEvent & { type: string; data: unknown; metadata: object }>(stored: E): E {
    const current = this.toDomainEvent(stored);
    return { ...stored, data: current.data, metadata: { ...stored.metadata, schemaVersion: this.currentVersion(stored.type) } };
  }

  /** The CloudEvents subject and Kafka key of an event: its customer id, when it concerns one. */
  subjectOf(type: string, data: unknown): string | undefined {
    return customerIdOf(this.get(type), data);
  }

  /** CloudEvents `type` for an event type: `crm.contacts.ContactCreated`. */
  cloudEventTypeOf(type: string): string {
    return cloudEventType(this.get(type));
  }

  private lookup(type: string): EventType | undefined {
    const cloudEvent = parseCloudEventType(type);
    if (!cloudEvent) return this.types.get(type);
    const eventType = this.types.get(cloudEvent.name);
    return eventType?.current.service === cloudEvent.service ? eventType : undefined;
  }

  private eventType(type: string): EventType {
    const eventType = this.lookup(type);
    if (!eventType) throw new UnknownEventTypeError(type);
    return eventType;
  }

  private versionOf(eventType: EventType, version: unknown): CompiledContract {
    const entry = typeof version === 'number' ? eventType.versions.get(version) : undefined;
    if (!entry) throw new UnknownSchemaVersionError(eventType.current.name, version, eventType.current.version);
    return entry;
  }
}

/** Every version of every event type, compiled, by name then version; each example checked against its schema. */
function compileVersions(contracts: readonly AnyEventContract[]): Map<string, Map<number, CompiledContract>> {
  const ajv = createAjv();
  const versionsByName = new Map<string, Map<number, CompiledContract>>();
  for (const contract of contracts) {
    const versions = versionsByName.get(contract.name) ?? new Map<number, CompiledContract>();
    const other = versions.values().next().value?.contract;
    if (other && other.service !== contract.service) {
      throw new ContractDefinitionError(`${contract.name} is defined by both ${other.service} and ${contract.service}`);
    }
    if (versions.has(contract.version)) {
      throw new ContractDefinitionError(`${contract.name} v${contract.version} is defined twice`);
    }
    const validate = compileContract(ajv, contract);
    const violations = validate(contract.example);
    if (violations.length > 0) throw definitionViolation(`the example of ${contract.name}`, contract, violations);
    versions.set(contract.version, { contract, validate });
    versionsByName.set(contract.name, versions);
  }
  return versionsByName;
}

/** Upcasters by name then the version they upcast from, each linking defined versions. */
function checkUpcasters(
  upcasters: readonly AnyUpcaster[],
  versionsByName: ReadonlyMap<string, ReadonlyMap<number, CompiledContract>>,
): Map<string, Map<number, AnyUpcaster>> {
  const upcastersByName = new Map<string, Map<number, AnyUpcaster>>();
  for (const upcaster of upcasters) {
    const { name, fromVersion, toVersion } = upcaster;
    const from = versionsByName.get(name)?.get(fromVersion);
    const to = versionsByName.get(name)?.get(toVersion);
    if (!from || !to) {
      throw new ContractDefinitionError(`Upcaster ${name} v${fromVersion} → v${toVersion} links an undefined version`);
    }
    const byFrom = upcastersByName.get(name) ?? new Map<number, AnyUpcaster>();
    if (byFrom.has(fromVersion)) throw new ContractDefinitionError(`${name} has two upcasters from v${fromVersion}`);
    // A cheap proof at start-up that the upcaster turns old data into valid new data.
    const violations = to.validate(upcaster.upcast(structuredClone(from.contract.example)));
    if (violations.length > 0)
      throw definitionViolation(`upcasting the v${fromVersion} example of ${name}`, to.contract, violations);
    // An erased person's old events are upcast too, with their personal data null.
    try {
      upcaster.upcast(redact(structuredClone(from.contract.example), from.contract.pii));
    } catch (error) {
      throw new ContractDefinitionError(
        `Upcaster ${name} v${fromVersion} → v${toVersion} fails on redacted data: ${String(error)}`,
      );
    }
    byFrom.set(fromVersion, upcaster);
    upcastersByName.set(name, byFrom);
  }
  return upcastersByName;
}

function assertUpcastPath(eventType: EventType, from: number): void {
  const { current, upcasters } = eventType;
  for (let at = from; at < current.version;) {
    const upcaster = upcasters.get(at);
    if (!upcaster)
      throw new ContractDefinitionError(`${current.name} v${from} cannot reach v${current.version}: no upcaster from v${at}`);
    at = upcaster.toVersion;
  }
}

function definitionViolation(
  what: string,
  contract: AnyEventContract,
  violations: readonly ContractViolation[],
): ContractDefinitionError {
  return new ContractDefinitionError(`${what} breaks ${contract.name} v${contract.version}: ${describeViolations(violations)}`);
}
