import { SetMetadata } from '@nestjs/common';

export const SKIP_IDEMPOTENCY = 'crm:skip-idempotency';

/**
 * A POST that is not a write (a search with a body) or should not be replayed: the Idempotency-Key header is
 * ignored there. Every other POST honours it once IdempotencyModule is imported. On a controller or a handler.
 */
export const SkipIdempotency = () => SetMetadata(SKIP_IDEMPOTENCY, true);
