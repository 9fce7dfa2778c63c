import type { ReadStreamOptions, RecordedEvent } from './event-store';

/** Applies ReadStreamOptions to a stream held in memory, oldest first. */
export function selectStreamEvents<E extends RecordedEvent<unknown>>(stream: readonly E[], options: ReadStreamOptions): E[] {
  const backwards = options.direction === 'backwards';
  const inRange = stream.filter((event) => {
    if (options.until && event.recordedAt > options.until) return false;
    if (backwards) {
      if (options.fromRevision !== undefined && event.revision > options.fromRevision) return false;
      if (options.toRevision !== undefined && event.revision < options.toRevision) return false;
    } else {
      if (options.fromRevision !== undefined && event.revision < options.fromRevision) return false;
      if (options.toRevision !== undefined && event.revision > options.toRevision) return false;
    }
    return true;
  });
  const ordered = backwards ? inRange.reverse() : inRange;
  return options.maxCount === undefined ? ordered : ordered.slice(0, options.maxCount);
}
