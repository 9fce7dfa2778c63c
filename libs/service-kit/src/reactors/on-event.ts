import { SetMetadata } from '@nestjs/common';
import type { AnyEventContract, EventOf } from '@crm/contracts';
import type { DecodedEvent } from '@crm/messaging';

export const ON_EVENT = 'crm:on-event';

/** The event a handler of these contracts receives: `ReceivedEvent<typeof ContactErased>`. */
export type ReceivedEvent<C extends AnyEventContract> = DecodedEvent<EventOf<C>>;

/**
 * Marks a method of a provider of the application module as the handler of events of these contracts, of any
 * service (a reaction of support to orders, of marketing to deals):
 *
 *   @Injectable() export class ForgetErasedContacts {
 *     @OnEvent(ContactErased) async forget(event: ReceivedEvent<typeof ContactErased>) { ... }
 *   }
 *
 * Each such class is a reactor with its own consumer group, on the project's consumer: the offset is committed
 * only after its handlers returned, a failing event is retried and then dead-lettered, and an event it already
 * handled (by stream revision) is skipped. Handlers run one event at a time, in order per stream, in the event's
 * correlation (its id as causation, the service as actor). Their effects must be idempotent: after a crash
 * between handler and record, an event is handled again.
 */
export const OnEvent = (...contracts: [AnyEventContract, ...AnyEventContract[]]): MethodDecorator =>
  SetMetadata(ON_EVENT, contracts);
