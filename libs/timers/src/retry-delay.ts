export interface RetryPolicy {
  /** Wait after the first failure. */
  initialDelayMs: number;
  /** The wait doubles after each failure up to this; the timer is retried at this pace for as long as it fails. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 5 * 60_000 };

/** How long to wait before running a timer again after its `attempt`-th run failed (1-based). */
export function retryDelayMs(attempt: number, { initialDelayMs, maxDelayMs }: RetryPolicy): number {
  const doublings = Math.min(Math.max(attempt - 1, 0), 30); // 2^30 already exceeds any sane maximum
  return Math.min(initialDelayMs * 2 ** doublings, maxDelayMs);
}
