import type { Consumer, TopicPartitionOffsetAndMetadata } from 'kafkajs';

/**
 * The offsets a consumer has handled, committed to its group at most every `intervalMs` (0: each at once).
 * Each commit is a write to Kafka's offsets log; one per batch was most of the broker's CPU under load.
 * What is handled between two commits is committed by the next batch that finds the interval over, or by a
 * timer at the interval's end, so an idle partition is committed too. Commits go one at a time, in order,
 * so that none overtakes a later one.
 */
export class OffsetCommits {
  /** The next offset to read, by `topic:partition`, handled but not committed yet. */
  private readonly pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  private lastCommitAt = 0;
  private timer?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Pick<Consumer, 'commitOffsets'>,
    private readonly intervalMs: number,
    /** A commit the timer made failed: the events since the last commit will come again. */
    private readonly onTimerFailure: (error: unknown) => void,
  ) {}

  /** Records `offset` as handled; when a commit is due, resolves once it is made. */
  handled(topic: string, partition: number, offset: string): Promise<void> {
    this.pending.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    const wait = this.lastCommitAt + this.intervalMs - Date.now();
    if (wait <= 0) return this.flush();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onTimerFailure);
    }, wait);
    return Promise.resolve();
  }

  /** Commits everything handled so far. */
  flush(): Promise<void> {
    this.cancelTimer();
    const commit = this.queue.then(async () => {
      if (this.pending.size === 0) return;
      const offsets = [...this.pending.values()];
      this.pending.clear();
      this.lastCommitAt = Date.now();
      await this.consumer.commitOffsets(offsets);
    });
    this.queue = commit.catch(() => undefined);
    return commit;
  }

  /**
   * Forgets what is not committed yet: after a rebalance the partitions' owners read from the committed
   * offsets (handling those events again, which consumers must tolerate), and once stopped there is no one
   * to commit for.
   */
  discard(): void {
    this.cancelTimer();
    this.pending.clear();
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
