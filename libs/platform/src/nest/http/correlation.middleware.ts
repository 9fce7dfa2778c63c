import type { NextFunction, Request, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { runWithCorrelation } from '../../context/correlation';

export const CORRELATION_HEADER = 'x-correlation-id';
export const CAUSATION_HEADER = 'x-causation-id';

/** Ids we accept from callers: short and harmless in logs and headers. Anything else is replaced. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const acceptable = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && ACCEPTABLE_ID.test(value) ? value : undefined;

/**
 * Express middleware, first in the chain: takes the caller's correlation id (or makes a UUIDv7),
 * echoes it, and runs the rest of the request inside that correlation context.
 */
export function correlateRequests(req: Request, res: Response, next: NextFunction): void {
  const correlationId = acceptable(req.headers[CORRELATION_HEADER]) ?? uuidv7();
  const causationId = acceptable(req.headers[CAUSATION_HEADER]);
  res.setHeader(CORRELATION_HEADER, correlationId);
  runWithCorrelation({ correlationId, causationId }, next);
}
