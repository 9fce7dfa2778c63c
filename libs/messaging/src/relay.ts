import type { Kafka, Producer } from 'kafkajs';
import { START, sleep, type EventStore, type GlobalPosition, type RecordedEvent } from '@crm/eventsourcing';
import type { CheckpointStore } from './checkpoint-store';
import { toPublishedMessage, type EnvelopeOptions } from './cloud-event';
import { inBatchSpan } from './tracing';
import { createOrderedProducer } from './kafka';
import { relayMetrics } from './metrics';

/** Something that ensures only one relay of a service publishes at a time. */
export interface Lease {
  acquire(signal?: AbortSignal): Promise<boolean>;
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface RelayLogger {
  info(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface EventRelayOptions extends EnvelopeOptions {
  store: EventStore;
  kafka: Kafka;
  topic: string;
  checkpoints: CheckpointStore;
  lease: Lease;
  /** Checkpoint name; one per service. */
  name?: string;
  batchSize?: number;
  /** Wait between reads once caught up, for a store that cannot tell when it was appended to. */
  idleDelayMs?: number;
  /** Longest wait once caught up, for a store that wakes the relay (`watchAppends`): a safety net only. */
  maxIdleMs?: number;
  logger?: RelayLogger;
  /** Turns a batch of stored events into what is published (e.g. upcast); defaults to the events themselves. */
  prepare?: (events: RecordedEvent[]) => RecordedEvent[] | Promise<RecordedEvent[]>;
}

const silent: RelayLogger = { info: () => undefined, error: () => undefined };

/**
 * Publishes a service's events from its event store to Kafka: reads the global log from a durable
 * checkpoint, sends each batch with an acks=all producer (one request in flight), then advances the checkpoint.
 * A crash between send and checkpoint republishes a batch (consumers are idempotent); nothing is lost.
 */
export class EventRelay {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly idleDelayMs: number;
  private readonly maxIdleMs: number;
  private readonly logger: RelayLogger;
  private stopController = new AbortController();
  private running?: Promise<void>;
  private producer?: Producer;

  constructor(private readonly options: EventRelayOptions) {
    this.name = options.name ?? `relay:${options.service}`;
    this.batchSize = options.batchSize ?? 500;
    this.idleDelayMs = options.idleDelayMs ?? 10;
    this.maxIdleMs = options.maxIdleMs ?? 1000;
    this.logger = options.logger ?? silent;
  }

  start(): void {
    if (this.running) return;
    this.stopController = new AbortController();
    this.running = this.run(this.stopController.signal);
  }

  /** Stops after the batch in flight; the lease is released for another replica. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
    this.running = undefined;
  }

  private async run(stopped: AbortSignal): Promise<void> {
    while (!stopped.aborted) {
      if (!(await this.options.lease.acquire(stopped))) return;
      this.logger.info('Relay lease acquired', { relay: this.name });
      try {
        await this.publishWhileLeader(AbortSignal.any([stopped, this.options.lease.lost]));
      } catch (error) {
        this.logger.error('Relay failed; retrying', { relay: this.name, error: String(error) });
        await sleep(1000, stopped);
      } finally {
        await this.disconnectProducer();
        await this.options.lease.release();
      }
    }
  }

  private async publishWhileLeader(signal: AbortSignal): Promise<void> {
    const { store, checkpoints, topic } = this.options;
    const producer = createOrderedProducer(this.options.kafka);
    this.producer = producer;
    await producer.connect();
    const prepare = this.options.prepare ?? ((events: RecordedEvent[]) => events);
    // A read may be left unawaited (prefetched, or issued as the lease is lost): its failure must not become an
    // unhandled rejection, which would end the process; it surfaces where the batch is awaited.
    const read = (after: GlobalPosition) => {
      const batch = store.readAll({ after, maxCount: this.batchSize });
      batch.catch(() => undefined);
      return batch;
    };
    // Wakes the relay when an append commits, and keeps a wake-up that came during a read (see AppendWatcher).
    const appends = store.watchAppends?.();
    const caughtUp = () => (appends ? appends.next(this.maxIdleMs, signal) : sleep(this.idleDelayMs, signal));
    // Behind (full batches), the checkpoint of a batch is saved while the next one is sent: saves stay in order (each
    // waits for the one before), and a crash before a save only republishes what was sent, as it always could.
    let saving: Promise<void> = Promise.resolve();
    try {
      let after: GlobalPosition = (await checkpoints.load(this.name)) ?? START;
      let nextBatch = read(after);
      while (!signal.aborted) {
        const batch = await nextBatch;
        if (batch.length === 0) {
          await caughtUp();
          nextBatch = read(after);
          continue;
        }
        after = batch[batch.length - 1].position;
        // Read the next batch from the store while this one is on its way to Kafka.
        nextBatch = read(after);
        const published = (await prepare(batch)).map((event) => toPublishedMessage(event, this.options));
        const events = published.map(({ cloudEvent }) => cloudEvent);
        await inBatchSpan('publish', topic, events, {}, () =>
          producer.send({ topic, messages: published.map(({ message }) => message), acks: -1 }),
        );
        await saving;
        saving = checkpoints.save(this.name, after);
        saving.catch(() => undefined); // a failure surfaces where the save is awaited, next batch or on the way out
        // Caught up (the batch was not full): the save ends before the next read, so that what is appended meanwhile
        // goes as one batch rather than many (a send, and every consumer's fetch, costs about as much for one event).
        if (batch.length < this.batchSize) await saving;
        relayMetrics.published.inc({ relay: this.name }, batch.length);
        relayMetrics.lagSeconds.set(
          { relay: this.name },
          Math.max(0, Date.now() - batch[batch.length - 1].recordedAt.getTime()) / 1000,
        );
      }
      await saving;
    } finally {
      await saving.catch(() => undefined);
      await appends?.close();
    }
  }

  private async disconnectProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
