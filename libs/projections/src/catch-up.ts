import type { ConsumedEvent } from '@crm/messaging';
import { partitionKeyOf, rangeSize, type PartitionRange } from './kafka-offsets';

/** How far a rebuild's group got towards the end offsets captured when it started. */
export class CatchUp {
  readonly total: number;
  private readonly reached = new Map<string, bigint>();
  private committedOffsets: ReadonlyMap<string, bigint> = new Map();

  constructor(private readonly ranges: readonly PartitionRange[]) {
    this.total = rangeSize(ranges);
  }

  /** Events handed to the projection (written, or failing towards the dead-letter topic): progress only. */
  handled(events: readonly ConsumedEvent[]): void {
    // A partition's events come in offset order: its last one in the batch is as far as it got.
    const lastOf = new Map<string, ConsumedEvent>();
    for (const event of events) lastOf.set(partitionKeyOf(event.topic, event.partition), event);
    for (const [key, event] of lastOf) this.advance(key, BigInt(event.offset) + 1n);
  }

  /** The group's committed offsets: only these say that the rebuild is complete. */
  committed(offsets: ReadonlyMap<string, bigint>): void {
    this.committedOffsets = offsets;
    for (const [key, offset] of offsets) this.advance(key, offset);
  }

  get processed(): number {
    return this.ranges.reduce((sum, { topic, partition, low, high }) => {
      const reached = this.reached.get(partitionKeyOf(topic, partition)) ?? low;
      return sum + Number(clamp(reached, low, high) - low);
    }, 0);
  }

  get done(): boolean {
    return this.ranges.every(
      ({ topic, partition, low, high }) =>
        high <= low || (this.committedOffsets.get(partitionKeyOf(topic, partition)) ?? -1n) >= high,
    );
  }

  private advance(key: string, offset: bigint): void {
    if (offset > (this.reached.get(key) ?? -1n)) this.reached.set(key, offset);
  }
}

const clamp = (value: bigint, min: bigint, max: bigint): bigint => (value < min ? min : value > max ? max : value);
