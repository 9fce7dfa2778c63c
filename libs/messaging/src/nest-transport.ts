import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EventConsumer, type ConsumedEvent, type EventConsumerOptions } from './consumer';

export type KafkaEventTransportOptions = Omit<EventConsumerOptions, 'handle'>;

/**
 * A @nestjs/microservices transport over EventConsumer, used instead of Nest's built-in Kafka
 * transport: that one renames group ids (`-server`) and lets a failing handler stall its partition.
 * Handlers subscribe by CloudEvents type: `@EventPattern('crm.contacts.ContactCreated')`, and
 * receive the ConsumedEvent. The offset is committed only after the handler finished; a handler that
 * keeps failing sends its event to the dead-letter topic. Handlers must be idempotent.
 */
export class KafkaEventTransport extends Server implements CustomTransportStrategy {
  private consumer?: EventConsumer;

  constructor(private readonly options: KafkaEventTransportOptions) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.consumer = new EventConsumer({ ...this.options, handle: (events) => this.dispatch(events) });
    this.consumer.start().then(() => callback(), callback);
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  private async dispatch(events: ConsumedEvent[]): Promise<void> {
    for (const event of events) {
      const handler = this.getHandlerByPattern(event.type);
      if (!handler) continue;
      await lastValueFrom(this.transformToObservable(await handler(event)), { defaultValue: undefined });
    }
  }

  on(): void {
    throw new Error('KafkaEventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
