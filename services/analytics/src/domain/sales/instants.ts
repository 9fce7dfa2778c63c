/**
 * Instants in the sales read models: ISO 8601 in UTC with milliseconds, so that they compare as strings. Events may
 * write `...Z` without milliseconds or with more digits; they are normalized once, where they are kept.
 */
export const instantOf = (timestamp: string): string => new Date(timestamp).toISOString();

/** A value that changes over time: each entry holds from its `from` until the next entry's. */
export interface Dated<T> {
  from: string;
  value: T;
}

/** The value in effect at an instant (the last that started at or before it), or the latest without one. */
export function valueAt<T>(history: readonly Dated<T>[], asOf?: string): T | undefined {
  if (asOf === undefined) return history[history.length - 1]?.value;
  let found: T | undefined;
  for (const entry of history) if (entry.from <= asOf) found = entry.value;
  return found;
}

/** Appends a change; a change at the same instant as the last replaces it (the later event wins). */
export function changedAt<T>(history: readonly Dated<T>[], from: string, value: T): Dated<T>[] {
  const last = history[history.length - 1];
  return last?.from === from ? [...history.slice(0, -1), { from, value }] : [...history, { from, value }];
}

/** `numerator / denominator` rounded half up, for non-negative integers of any size. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}
