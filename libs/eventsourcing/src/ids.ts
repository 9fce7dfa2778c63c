import { v7 } from 'uuid';

/** Time-ordered UUIDv7, the id format of every event and aggregate. */
export const newId = (): string => v7();
