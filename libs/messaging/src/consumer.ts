import type { Consumer, ConsumerConfig, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sleep } from '@crm/eventsourcing';
import { isTransientFailure } from '@crm/postgres';
import { fromKafkaMessage, type CloudEvent } from './cloud-event';
import { createOrderedProducer, deadLetterTopicOf } from './kafka';
import { consumerMetrics } from './metrics';
import { OffsetCommits } from './offset-commits';
import { inBatchSpan } from './tracing';
import type { RelayLogger } from './relay';

export interface ConsumedEvent<Data = unknown> extends CloudEvent<Data> {
  topic: string;
  partition: number;
  offset: string;
}

export interface RetryPolicy {
  /** Attempts per event before it is dead-lettered (at least 1); transient failures do not count (see `isTransient`). */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Where a new group starts: the first retained event (default) or only new ones. */
  fromBeginning?: boolean;
  /**
   * Handles events in offset order. Given several at once so that it can write them in one go;
   * when it throws, the events are retried one at a time, and one that keeps failing goes to the
   * dead-letter topic. The handler must be idempotent: an event may come again after a crash.
   */
  handle(events: ConsumedEvent[]): Promise<void>;
  /** Decodes (and may validate or upcast) a message; a throw dead-letters it without retries. */
  decode?: (message: KafkaMessage, topic: string, partition: number) => ConsumedEvent;
  retry?: Partial<RetryPolicy>;
  logger?: RelayLogger;
  /**
   * How many partitions' batches are handled at once (default 1). Above 1 the handler must tolerate
   * concurrent calls; each partition's events still come in order.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Whether a failure is of the infrastructure rather than of the event (default `isTransientFailure`: a
   * database, key store or broker out of reach). Such an event is retried, at the policy's longest delay,
   * until it passes or the consumer stops: the partition waits for the outage to end instead of
   * dead-lettering what arrived during it.
   */
  isTransient?: (error: unknown) => boolean;
  /**
   * Handled offsets are committed at most this often (default 0: after every batch). Above 0, fewer writes
   * to Kafka's offsets log, and after a crash, stop or rebalance up to this much is handled again, which the
   * handler (idempotent) must absorb.
   */
  commitIntervalMs?: number;
  /** kafkajs consumer settings besides the group id. */
  consumerConfig?: Partial<Omit<ConsumerConfig, 'groupId'>>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 2000 };
interface Received {
  message: KafkaMessage;
  event: ConsumedEvent;
}

/** What kafkajs gives a batch handler to keep the group informed and to know when to give the batch up. */
interface BatchControl {
  heartbeat: () => Promise<void>;
  /** False once the consumer stops or the group rebalanced: the rest of the batch will come again. */
  inHand: () => boolean;
}

const silent: RelayLogger = { info: () => undefined, error: () => undefined };

export function decodeCloudEvent(message: KafkaMessage, topic: string, partition: number): ConsumedEvent {
  return Object.assign(fromKafkaMessage(message), { topic, partition, offset: message.offset }); // no copy per event
}

/**
 * An at-least-once, idempotent-friendly Kafka consumer: offsets are committed only after the
 * handler's writes finished; a failing event is retried with backoff a bounded number of times,
 * then sent to `<topic>.dlq` with the reason, and the partition moves on.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly retry: RetryPolicy;
  private readonly logger: RelayLogger;
  private readonly decode: NonNullable<EventConsumerOptions['decode']>;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly commits: OffsetCommits;

  constructor(private readonly options: EventConsumerOptions) {
    this.consumer = options.kafka.consumer({
      // A fetch waits at most a second on an idle partition, so stop() (which waits for it) is quick.
      maxWaitTimeInMs: 1000,
      // A crashed member holds its partitions until its session expires: 10 s, not kafkajs's 30 s.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      ...options.consumerConfig,
      groupId: options.groupId,
    });
    this.deadLetters = createOrderedProducer(options.kafka);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silent;
    this.decode = options.decode ?? decodeCloudEvent;
    this.isTransient = options.isTransient ?? isTransientFailure;
    this.commits = new OffsetCommits(this.consumer, options.commitIntervalMs ?? 0, (error) =>
      this.logger.error('Offset commit failed; the events since the last one will be handled again', {
        group: options.groupId,
        error: String(error),
      }),
    );
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.commits.discard());
  }

  async start(): Promise<void> {
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
        const { topic, partition } = batch;
        const control: BatchControl = { heartbeat, inHand: () => isRunning() && !isStale() };
        // Marks the offset done both for this fetch loop and (now or with a later commit) for the group.
        const commit = async (offset: string) => {
          resolveOffset(offset);
          await this.commits.handled(topic, partition, offset);
        };
        const received: Received[] = [];
        for (const message of batch.messages) {
          try {
            received.push({ message, event: this.decode(message, topic, partition) });
          } catch (error) {
            // What came before the undecodable message is handled first, keeping the order.
            if (!(await this.handleAndCommit(received.splice(0), control, commit))) return;
            await this.deadLetter({ message, topic, partition }, error, 1);
            await commit(message.offset);
          }
          if (!control.inHand()) return;
        }
        if (!(await this.handleAndCommit(received, control, commit))) return;
        consumerMetrics.offsetLag.set(
          { group: this.options.groupId, topic, partition: String(partition) },
          Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
        );
      },
    });
  }

  /** Commits what was handled so far now, whatever `commitIntervalMs` says (a rebuild that caught up). */
  commitHandled(): Promise<void> {
    return this.commits.flush();
  }

  /**
   * Commits what was handled, stops fetching, waits for the batch in hand to finish, then disconnects. That
   * batch's own commit is made only when due, or not at all: kafkajs accepts none once stopping.
   */
  async stop(): Promise<void> {
    await this.commits
      .flush()
      .catch((error: unknown) => this.logger.error('Offset commit failed on stop', { error: String(error) }));
    await this.consumer.disconnect();
    this.commits.discard();
    await this.deadLetters.disconnect();
  }

  /**
   * Handles the events (all at once, else one by one with retries) and commits the last; false when the
   * batch was given up (stopping or rebalanced) with events not handled: nothing more is committed.
   */
  private async handleAndCommit(
    received: Received[],
    control: BatchControl,
    commit: (offset: string) => Promise<void>,
  ): Promise<boolean> {
    if (received.length === 0) return true;
    const last = received[received.length - 1].event;
    const stopTimer = consumerMetrics.handleSeconds.startTimer({ group: this.options.groupId });
    try {
      await this.handleInSpan(received.map(({ event }) => event));
      consumerMetrics.handled.inc({ group: this.options.groupId, outcome: 'ok' }, received.length);
    } catch {
      // The failed batch may have taken most of the session (a server out of reach answers after its timeout).
      await control.heartbeat();
      for (const [index, one] of received.entries()) {
        if (!(await this.handleOneWithRetries(one, control))) {
          if (index > 0) await commit(received[index - 1].event.offset);
          return false;
        }
        await control.heartbeat();
      }
    } finally {
      stopTimer();
    }
    await commit(last.offset);
    consumerMetrics.lagSeconds.set({ group: this.options.groupId }, Math.max(0, Date.now() - Date.parse(last.time)) / 1000);
    return true;
  }

  /**
   * Handled or dead-lettered: true. A failure of the event counts against the retry policy; a transient one
   * (see `isTransient`) does not, and is retried until it passes. False when the batch is given up first.
   */
  private async handleOneWithRetries({ event, message }: Received, control: BatchControl): Promise<boolean> {
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1, failures = 0; ; attempt++) {
      try {
        await this.handleInSpan([event]);
        consumerMetrics.handled.inc({ group: this.options.groupId, outcome: 'ok' });
        return true;
      } catch (error) {
        const transient = this.isTransient(error);
        if (!transient && ++failures >= this.retry.attempts) {
          await this.deadLetter({ message, topic: event.topic, partition: event.partition }, error, attempt);
          return true;
        }
        consumerMetrics.handled.inc({ group: this.options.groupId, outcome: 'retried' });
        this.logger.error(
          transient ? 'Event handler failed: infrastructure unavailable; waiting for it' : 'Event handler failed; retrying',
          {
            group: this.options.groupId,
            id: event.id,
            attempt,
            error: String(error),
          },
        );
        await control.heartbeat();
        await sleep(delay);
        if (!control.inHand()) return false;
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  /** The handler, in a span linked to the traces of the requests that caused the events (when tracing is on). */
  private handleInSpan(events: ConsumedEvent[]): Promise<void> {
    const { topic, partition } = events[0];
    const attributes = {
      'messaging.destination.partition.id': String(partition),
      'messaging.consumer.group.name': this.options.groupId,
    };
    return inBatchSpan('process', topic, events, attributes, () => this.options.handle(events));
  }

  /** Sends the original message to `<topic>.dlq`, with why and where it failed as headers. */
  private async deadLetter(
    { message, topic, partition }: { message: KafkaMessage; topic: string; partition: number },
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const reason = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
    const headers: IHeaders = {
      ...message.headers,
      dlq_reason: reason,
      dlq_original_topic: topic,
      dlq_original_partition: String(partition),
      dlq_original_offset: message.offset,
      dlq_consumer_group: this.options.groupId,
      dlq_attempts: String(attempts),
      dlq_failed_at: new Date().toISOString(),
    };
    await this.deadLetters.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    consumerMetrics.handled.inc({ group: this.options.groupId, outcome: 'dead_lettered' });
    this.logger.error('Event dead-lettered', { group: this.options.groupId, topic, partition, offset: message.offset, reason });
  }
}
