import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from 'mongoose';
import { ProblemError } from '@crm/platform';
import { streamKey } from '@crm/projections';

/**
 * Where a write left a read model: the document it changes, and the stream revision that document must have
 * applied. A write answers with it as an opaque token (`Position-Token`); a list request that passes it back
 * (`?position=`) waits, bounded, until the read model has caught up: read-your-writes on an eventually
 * consistent list. The collection is in the token so that a token meant for another list is refused, not waited on.
 */
export interface ReadPosition {
  collection: string;
  documentId: string;
  stream: string;
  revision: number;
}

export const POSITION_TOKEN_HEADER = 'Position-Token';
/** How long a list waits for its read model at most, unless the endpoint says otherwise. */
export const DEFAULT_POSITION_WAIT_MS = 5000;

export function positionToken(position: ReadPosition): string {
  const { collection: c, documentId: d, stream: s, revision: r } = position;
  return Buffer.from(JSON.stringify({ c, d, s, r })).toString('base64url');
}

export class InvalidPositionTokenError extends ProblemError {
  override name = 'InvalidPositionTokenError';
  constructor(reason: string) {
    super({
      status: 400,
      type: 'invalid-query',
      title: 'The query is invalid',
      detail: `1 query parameter is invalid; see errors.`,
      errors: [{ field: 'position', messages: [reason], in: 'query' }],
    });
  }
}

export class ReadModelBehindError extends ProblemError {
  override name = 'ReadModelBehindError';
  constructor(waitedMs: number) {
    super({
      status: 503,
      type: 'read-model-behind',
      title: 'The list has not caught up with the write yet',
      detail: `The read model did not reach the given position within ${waitedMs} ms; retry shortly.`,
      headers: { 'Retry-After': '1' },
    });
  }
}

/** The position a token stands for, whichever list it is of; undefined when it is no token. */
export function readPositionToken(token: unknown): ReadPosition | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,1000}$/.test(token)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const { c, d, s, r } = (decoded ?? {}) as Record<string, unknown>;
  if (typeof c !== 'string' || typeof d !== 'string' || typeof s !== 'string' || !Number.isSafeInteger(r) || (r as number) < 0) {
    return undefined;
  }
  return { collection: c, documentId: d, stream: s, revision: r as number };
}

/** The position a token stands for, if it is one for this collection; InvalidPositionTokenError otherwise. */
export function parsePositionToken(token: unknown, collection: string): ReadPosition {
  const position = readPositionToken(token);
  if (!position) throw new InvalidPositionTokenError('is not a position token');
  const { collection: c, documentId: d, stream: s, revision: r } = position;
  if (c !== collection) throw new InvalidPositionTokenError(`is the position of another list (${c}), not of this one`);
  return { collection: c, documentId: d, stream: s, revision: r };
}

/**
 * Waits until the document has applied the stream up to the revision (or ReadModelBehindError after `timeoutMs`).
 * A document deleted by a later event (an erasure) never gets there: the wait then runs out.
 */
export async function waitForPosition<D extends { _id: string }>(
  collection: mongo.Collection<D>,
  position: ReadPosition,
  { timeoutMs = DEFAULT_POSITION_WAIT_MS, pollMs = 20 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const reached = { _id: position.documentId, [`_meta.streams.${streamKey(position.stream)}`]: { $gte: position.revision } };
  const deadline = Date.now() + timeoutMs;
  for (let pause = pollMs; ; pause = Math.min(pause * 2, 200)) {
    if ((await collection.countDocuments(reached as mongo.Filter<D>, { limit: 1 })) > 0) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new ReadModelBehindError(timeoutMs);
    await sleep(Math.min(pause, left));
  }
}
