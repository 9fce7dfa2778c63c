import { SetMetadata } from '@nestjs/common';

export const ON_TIMER = 'crm:on-timer';

/**
 * Marks a method of a provider of the application module as the handler of a timer kind the service declares
 * (`defineService({ timers: ['deal-rotting'], ... })`):
 *
 *   @Injectable() export class FlagRottingDeals {
 *     @OnTimer('deal-rotting') async flag(timer: DueTimer<RottingPayload>, { signal }: { signal: AbortSignal }) { ... }
 *   }
 *
 * A timer may run more than once (a retry, or after a replica's crash): the handler's write must be idempotent by the
 * timer id, e.g. events appended with `timerEventId(timer.id)` (`@crm/timers`, ADR 0019).
 */
export const OnTimer = (kind: string): MethodDecorator => SetMetadata(ON_TIMER, kind);
