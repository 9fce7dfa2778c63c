import type { mongo } from 'mongoose';
import { sleep } from '@crm/eventsourcing';
import { EventConsumer, type ConsumedEvent, type DecodedEvent, type RelayLogger, type RetryPolicy } from '@crm/messaging';
import { decodingFor, projectionTopics, type ProjectionDeps } from './deps';
import { applyBatch } from './apply';
import { deleteGroup } from './kafka-offsets';
import { projectionMetrics } from './metrics';
import type { ProjectionDefinition } from './projection';
import { RebuildInProgressError, upgradeProjection } from './rebuild';
import {
  builtVersionOf,
  completeSwap,
  isCurrentGroup,
  loadOrCreateState,
  loadState,
  versionOf,
  type ProjectionState,
} from './state';
import { databaseOf, ensureCollection, type ReadModelCollection } from './store';

export interface ProjectionRunnerOptions {
  /** How often the state document is checked for a new group (a finished rebuild, a wiped database). */
  statePollIntervalMs?: number;
  /** A swap left pending this long is taken for one whose rebuild died, and finished by the runner. */
  swapTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Partitions whose batches are applied at once (default 3). A batch waiting behind another
   * partition's write is most of the lag; two batches touching one document are safe, as the
   * second one's guard fails and its events are retried.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Its consumer commits offsets at most this often (default 1000 ms; see `EventConsumerOptions`). Events
   * handled again after a restart or rebalance are skipped by their recorded stream revisions.
   */
  commitIntervalMs?: number;
  /** After a failed upgrade (see `ProjectionDefinition.version`), how long until the next try (default 60 s). */
  upgradeRetryMs?: number;
}

interface Active {
  groupId: string;
  consumer: EventConsumer;
}

const silent: RelayLogger = { info: () => undefined, error: () => undefined };

/**
 * Keeps a projection's collection up to date from its topics, on the consumer group its state document names (a new
 * one from offset 0 when there is none, a rebuild's once swapped in). A batch is written only while that group is
 * still current, so a runner that has not yet noticed a rebuild cannot write stale state into the rebuilt collection
 * (libs/projections/README.md, "Checkpoints live with the read model").
 */
export class ProjectionRunner<Doc extends object = object> {
  private readonly db: mongo.Db;
  private readonly collection: ReadModelCollection;
  private readonly logger: RelayLogger;
  private readonly pollIntervalMs: number;
  private readonly swapTimeoutMs: number;
  private readonly decode: (events: readonly ConsumedEvent[]) => Promise<DecodedEvent[]>;
  private active?: Active;
  private stopping?: AbortController;
  private wakeup = new AbortController();
  private polling?: Promise<void>;
  private syncing: Promise<void> = Promise.resolve();
  /** The background rebuild bringing the collection to the projection's version, while one runs here. */
  private upgrading?: { abort: AbortController; done: Promise<void> };
  private nextUpgradeAt = 0;
  private warnedNewer = false;

  constructor(
    private readonly projection: ProjectionDefinition<Doc>,
    private readonly deps: ProjectionDeps,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.db = databaseOf(deps.connection);
    this.collection = this.db.collection(projection.collection);
    this.logger = deps.logger ?? silent;
    this.decode = decodingFor(projection, deps);
    this.pollIntervalMs = options.statePollIntervalMs ?? 2000;
    this.swapTimeoutMs = options.swapTimeoutMs ?? 30000;
  }

  /** The consumer group in use, once started. */
  get groupId(): string | undefined {
    return this.active?.groupId;
  }

  async start(): Promise<void> {
    if (this.stopping) throw new Error(`Projection ${this.projection.name} is already running`);
    this.stopping = new AbortController();
    try {
      await this.syncWithState();
      if (!this.active) throw new Error(`Projection ${this.projection.name} could not start: a rebuild swap is in progress`);
    } catch (error) {
      this.stopping = undefined;
      throw error;
    }
    this.polling = this.poll(this.stopping.signal);
  }

  /** Stops polling and an upgrade under way (its staging collection is dropped), then the consumer. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.polling;
    await this.syncing;
    this.upgrading?.abort.abort();
    await this.upgrading?.done;
    await this.stopConsumer();
    this.stopping = undefined;
  }

  /**
   * Follows the state document now: starts a new group from offset 0 when it is gone, finishes a swap
   * whose rebuild died, and moves to the group a rebuild handed over. The poller calls this.
   */
  syncWithState(): Promise<void> {
    const run = this.syncing.then(() => this.sync());
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async sync(): Promise<void> {
    if (!this.stopping || this.stopping.signal.aborted) return; // not started, or stopping
    let state = await loadOrCreateState(this.db, this.projection);
    if (state.swap) {
      const age = Date.now() - state.swap.requestedAt.getTime();
      // At start nothing is lost by finishing it; while running, the rebuild normally finishes within milliseconds.
      if (this.active && age < this.swapTimeoutMs) return;
      this.logger.info('Finishing a pending projection swap', { projection: this.projection.name, groupId: state.swap.groupId });
      await completeSwap(this.db, this.projection, state.swap);
      state = await loadOrCreateState(this.db, this.projection);
      if (state.swap) return;
    }
    if (state.groupId !== this.active?.groupId) await this.switchTo(state);
    this.upgradeIfOlder(state);
  }

  /**
   * A collection built by a lower version of the projection is rebuilt from offset 0 in the background and
   * swapped in (rebuildProjection, whose claim lets one replica do it); meanwhile this runner keeps the old one
   * up to date, and readers use it.
   */
  private upgradeIfOlder(state: ProjectionState): void {
    const built = builtVersionOf(state);
    const version = versionOf(this.projection);
    if (built > version && !this.warnedNewer) {
      this.warnedNewer = true;
      this.logger.error('Projection collection built by a newer version than this runner; applying events with this one', {
        projection: this.projection.name,
        built,
        version,
      });
    }
    if (built >= version || this.upgrading || Date.now() < this.nextUpgradeAt) return;
    const abort = new AbortController();
    const done = this.upgrade(built, version, abort.signal).finally(() => (this.upgrading = undefined));
    this.upgrading = { abort, done };
  }

  private async upgrade(built: number, version: number, signal: AbortSignal): Promise<void> {
    const labels = { projection: this.projection.name, from: built, to: version };
    try {
      this.logger.info('Projection collection built by an older version: rebuilding it in the background', labels);
      const result = await upgradeProjection(this.projection, this.deps, { signal, retry: this.options.retry });
      if (result)
        this.logger.info('Projection rebuilt for its version and swapped in', {
          ...labels,
          events: result.events,
          seconds: result.seconds,
        });
      this.wakeup.abort(); // follow the rebuilt collection's group now
    } catch (error) {
      if (signal.aborted) return; // stopping
      // Another replica rebuilding is the usual case: its swap will record the version.
      this.nextUpgradeAt = Date.now() + (this.options.upgradeRetryMs ?? 60_000);
      if (error instanceof RebuildInProgressError) this.logger.info('Projection being rebuilt elsewhere', labels);
      else this.logger.error('Projection upgrade failed; trying again later', { ...labels, error: String(error) });
    }
  }

  private async switchTo(state: ProjectionState): Promise<void> {
    const previous = this.active?.groupId;
    await this.stopConsumer();
    await ensureCollection(this.db, this.projection.collection, this.projection.indexes);
    const consumer = new EventConsumer({
      kafka: this.deps.kafka,
      groupId: state.groupId,
      topics: projectionTopics(this.projection, this.deps),
      fromBeginning: true,
      retry: this.options.retry,
      logger: this.logger,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      commitIntervalMs: this.options.commitIntervalMs ?? 1000,
      handle: (events) => this.handle(events, state),
    });
    try {
      await consumer.start();
    } catch (error) {
      await consumer.stop().catch(() => undefined);
      throw error;
    }
    this.active = { groupId: state.groupId, consumer };
    this.logger.info('Projection consuming', { projection: this.projection.name, groupId: state.groupId, previous });
    // The abandoned group would linger in lag dashboards; Kafka refuses while other replicas are still in it.
    if (previous) void deleteGroup(this.deps.kafka, previous);
  }

  private async stopConsumer(): Promise<void> {
    const active = this.active;
    this.active = undefined;
    await active?.consumer.stop();
  }

  private async handle(events: ConsumedEvent[], { groupId, generation }: ProjectionState): Promise<void> {
    const outcome = await applyBatch(this.projection, this.collection, await this.decode(events), {
      generation,
      mayWrite: async () => isCurrentGroup(await loadState(this.db, this.projection.name), groupId),
    });
    if (outcome.status === 'fenced') {
      this.wakeup.abort(); // follow the new state now rather than at the next poll
      return;
    }
    const labels = { projection: this.projection.name };
    projectionMetrics.applied.inc(labels, outcome.applied);
    const last = events[events.length - 1];
    if (last) projectionMetrics.lagSeconds.set(labels, Math.max(0, Date.now() - Date.parse(last.time)) / 1000);
  }

  private async poll(stopped: AbortSignal): Promise<void> {
    while (!stopped.aborted) {
      await sleep(this.pollIntervalMs, AbortSignal.any([stopped, this.wakeup.signal]));
      if (this.wakeup.signal.aborted) this.wakeup = new AbortController();
      if (stopped.aborted) return;
      try {
        await this.syncWithState();
      } catch (error) {
        this.logger.error('Projection state check failed; retrying', { projection: this.projection.name, error: String(error) });
      }
    }
  }
}
