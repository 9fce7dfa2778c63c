import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { OffsetCommits } from './offset-commits';

/** Records each commit; `hold()` makes the next commits wait until `release()`. */
class Consumer {
  readonly commits: TopicPartitionOffsetAndMetadata[][] = [];
  failNext = false;
  private gate?: Promise<void>;
  private open?: () => void;

  commitOffsets = async (offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> => {
    await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('not the coordinator');
    }
    this.commits.push(offsets);
  };

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }
}

const offsets = (commit: TopicPartitionOffsetAndMetadata[] | undefined) =>
  commit?.map(({ partition, offset }) => `${partition}@${offset}`).sort();

describe('OffsetCommits', () => {
  let consumer: Consumer;
  let timerFailures: unknown[];
  const commitsEvery = (intervalMs: number) => new OffsetCommits(consumer, intervalMs, (error) => timerFailures.push(error));

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    consumer = new Consumer();
    timerFailures = [];
  });
  afterEach(() => jest.useRealTimers());

  it('with no interval commits each handled offset at once, as the next offset to read', async () => {
    const commits = commitsEvery(0);
    await commits.handled('t', 0, '4');
    await commits.handled('t', 0, '9');
    expect(consumer.commits.map(offsets)).toEqual([['0@5'], ['0@10']]);
  });

  it('commits the first batch at once, then what follows once the interval is over', async () => {
    const commits = commitsEvery(1000);
    await commits.handled('t', 0, '1');
    await commits.handled('t', 0, '2');
    await commits.handled('t', 1, '7');
    expect(consumer.commits.map(offsets)).toEqual([['0@2']]);

    jest.setSystemTime(1_001_000);
    await commits.handled('t', 0, '3');
    expect(consumer.commits.map(offsets)).toEqual([['0@2'], ['0@4', '1@8']]);
  });

  it('commits by a timer what is handled and followed by nothing', async () => {
    const commits = commitsEvery(1000);
    await commits.handled('t', 0, '1');
    jest.advanceTimersByTime(400);
    await commits.handled('t', 2, '5');
    expect(consumer.commits).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(599);
    expect(consumer.commits).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.commits.map(offsets)).toEqual([['0@2'], ['2@6']]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumer.commits).toHaveLength(2); // nothing new, nothing sent
  });

  it('sends one commit at a time, so that a later one is never overtaken', async () => {
    const commits = commitsEvery(0);
    consumer.hold();
    const first = commits.handled('t', 0, '1');
    await jest.advanceTimersByTimeAsync(0); // the first commit is in flight
    const second = commits.handled('t', 0, '2');
    consumer.release();
    await Promise.all([first, second]);
    expect(consumer.commits.map(offsets)).toEqual([['0@2'], ['0@3']]);
  });

  it('folds offsets handled before a queued commit starts into that commit', async () => {
    const commits = commitsEvery(0);
    await Promise.all([commits.handled('t', 0, '1'), commits.handled('t', 0, '2'), commits.handled('t', 1, '8')]);
    expect(consumer.commits.map(offsets)).toEqual([['0@3', '1@9']]);
  });

  it('passes a failed commit to its caller, and the next commit still goes', async () => {
    const commits = commitsEvery(0);
    consumer.failNext = true;
    await expect(commits.handled('t', 0, '1')).rejects.toThrow('not the coordinator');
    await commits.handled('t', 0, '2');
    expect(consumer.commits.map(offsets)).toEqual([['0@3']]);
  });

  it("reports a failed timer's commit instead of throwing it", async () => {
    const commits = commitsEvery(1000);
    await commits.handled('t', 0, '1');
    await commits.handled('t', 0, '2');
    consumer.failNext = true;
    await jest.advanceTimersByTimeAsync(1000);
    expect(timerFailures).toEqual([new Error('not the coordinator')]);
  });

  it('flushes everything handled on demand, and discards it after a rebalance or stop', async () => {
    const commits = commitsEvery(1000);
    await commits.handled('t', 0, '1');
    await commits.handled('t', 1, '3');
    await commits.flush();
    expect(consumer.commits.map(offsets)).toEqual([['0@2'], ['1@4']]);

    await commits.handled('t', 1, '4');
    commits.discard();
    await jest.advanceTimersByTimeAsync(5000);
    await commits.flush();
    expect(consumer.commits).toHaveLength(2);
  });
});
