// Progress of a long command (a rebuild, an import): its rate, what is left, and a duration as people read it.

export interface ProgressStats {
  /** Items (events, rows) per second since the start. */
  rate: number;
  /** Seconds left at that rate; undefined until there is a rate. */
  etaSeconds: number | undefined;
  /** 0..1 */
  fraction: number;
}

export function progressStats(processed: number, total: number, elapsedMs: number): ProgressStats {
  const done = Math.min(Math.max(processed, 0), Math.max(total, 0));
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const remaining = Math.max(total - done, 0);
  return {
    rate,
    etaSeconds: remaining === 0 ? 0 : rate > 0 ? remaining / rate : undefined,
    fraction: total > 0 ? done / total : 1,
  };
}

/** `42s`, `3m 07s`, `1h 02m`; `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
