import { LRUCache } from 'lru-cache';
import type { AnyEventContract, ContractRegistry } from '@crm/contracts';
import type { GlobalPosition } from '@crm/eventsourcing';
import type { ConsumedEvent } from './consumer';

/** What every decoded event carries besides its type and data: where it comes from, as the envelope said. */
export interface EventEnvelope {
  /** The event id (CloudEvents `id`). */
  readonly id: string;
  /** The producing service. */
  readonly service: string;
  /** The customer it concerns, when there is one (CloudEvents `subject`). */
  readonly subject?: string;
  /** When the producing store recorded it. */
  readonly time: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: GlobalPosition;
  readonly actor?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Its personal data reads null: the person it concerns was erased. */
  readonly personalDataErased: boolean;
  /** The data as published: personal data still sealed, in the schema version it was written in. */
  readonly sealed: { readonly version: number; readonly data: unknown };
  /** The message as consumed (topic, partition, offset, trace context). */
  readonly received: ConsumedEvent;
}

/**
 * A consumed event as handlers see it: named by its contract (`ContactCreated`), its data upcast to the current
 * version, checked against the contract, and its personal data opened. Distributes over a union of events, so
 * `switch (event.type)` narrows `event.data`.
 */
export type DecodedEvent<E extends { type: string; data: unknown } = { type: string; data: unknown }> = E extends unknown
  ? Readonly<E> & EventEnvelope
  : never;

export interface EventDecoderOptions {
  registry: ContractRegistry;
  /** Opens sealed personal data (the vault); without it sealed values stay as they are (tests, data without any). */
  openPersonalData?: (events: ConsumedEvent[]) => Promise<ConsumedEvent[]>;
  /** Decoded events kept for the other consumers of the process (default 10,000; 0: none). */
  cacheSize?: number;
}

/**
 * Decodes consumed events once per process: each of a service's consumers (one per projection, one per reactor)
 * receives every event of its topics, and all of them need the same opened, upcast, checked event. The first to
 * ask decodes a batch (one key lookup for all of it); the others find it here, by topic, partition and offset.
 * Only successes are kept: a failure (a contract violation, a key store out of reach) is met again on retry.
 * A person erased meanwhile is still shown opened by a kept event until it falls out: their erasure event,
 * behind it on the topic, removes what it showed.
 */
export class EventDecoder {
  private readonly registry: ContractRegistry;
  private readonly open: (events: ConsumedEvent[]) => Promise<ConsumedEvent[]>;
  private readonly decoded?: LRUCache<string, Promise<DecodedEvent>>;

  constructor(options: EventDecoderOptions) {
    this.registry = options.registry;
    this.open = options.openPersonalData ?? (async (events) => events);
    const size = options.cacheSize ?? 10_000;
    if (size > 0) this.decoded = new LRUCache({ max: size });
  }

  /** The current contract of a consumed event's type; undefined for a type this build does not know. */
  contractOf(event: Pick<ConsumedEvent, 'type'>): AnyEventContract | undefined {
    return this.registry.find(event.type);
  }

  /** The events decoded, in order; rejects when any of them cannot be (unknown type or version, contract broken). */
  decode(events: readonly ConsumedEvent[]): Promise<DecodedEvent[]> {
    const pending: Promise<DecodedEvent>[] = [];
    const missing: { event: ConsumedEvent; index: number; key: string }[] = [];
    events.forEach((event, index) => {
      const key = `${event.topic}/${event.partition}/${event.offset}/${event.id}`;
      const kept = this.decoded?.get(key);
      if (kept) pending[index] = kept;
      else missing.push({ event, index, key });
    });
    if (missing.length > 0) {
      const opened = this.open(missing.map(({ event }) => event));
      missing.forEach(({ event, index, key }, n) => {
        const decoding = opened.then((all) => this.decodeOne(event, all[n]));
        pending[index] = decoding;
        this.decoded?.set(key, decoding);
        decoding.catch(() => this.decoded?.delete(key));
      });
    }
    return Promise.all(pending);
  }

  private decodeOne(received: ConsumedEvent, opened: ConsumedEvent): DecodedEvent {
    const contract = this.registry.get(received.type, received.dataVersion);
    const { name, service } = contract;
    return {
      type: name,
      data: this.registry.decode(name, received.dataVersion, opened.data),
      id: received.id,
      service,
      subject: received.subject,
      time: received.time,
      stream: received.stream,
      revision: received.revision,
      position: received.position,
      actor: received.actor,
      correlationId: received.correlationId,
      causationId: received.causationId,
      personalDataErased: this.registry.isOfErasedCustomer(name, received.dataVersion, opened.data),
      sealed: { version: received.dataVersion, data: received.data },
      received,
    } as DecodedEvent;
  }
}
