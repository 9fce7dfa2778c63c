import { START, type GlobalPosition, type RecordedEvent, type SubscribeOptions } from './event-store';

export interface PollOptions extends SubscribeOptions {
  /** Wait between reads once caught up. */
  idleDelayMs?: number;
}

/**
 * A catch-up subscription built on a `readAll` that only ever returns committed events in
 * commit order: read a batch, yield it, and when caught up wait a little and read again.
 */
export async function* pollAll(
  readAll: (after: GlobalPosition, maxCount: number) => Promise<RecordedEvent[]>,
  options: PollOptions = {},
): AsyncGenerator<RecordedEvent> {
  const { signal, batchSize = 500, idleDelayMs = 20 } = options;
  let after = options.after ?? START;
  while (!signal?.aborted) {
    const batch = await readAll(after, batchSize);
    for (const event of batch) {
      if (signal?.aborted) return;
      yield event;
      after = event.position;
    }
    if (batch.length < batchSize) await sleep(idleDelayMs, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
