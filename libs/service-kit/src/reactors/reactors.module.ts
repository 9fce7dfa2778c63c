import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { cloudEventType, type AnyEventContract } from '@crm/contracts';
import { EventConsumer, waitForTopics, type ConsumedEvent, type DecodedEvent, type EventDecoder } from '@crm/messaging';
import { componentLogger, KAFKA } from '@crm/messaging/nest';
import { runWithCorrelation } from '@crm/platform';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { createPool } from '@crm/postgres';
import { EVENT_DECODER } from '@crm/projections/nest';
import { decoratedMethods } from '../decorated-methods';
import { ON_EVENT } from './on-event';
import { ReactorPositions } from './reactor-positions';

export interface ReactorsOptions {
  service: string;
  /** Where reactor positions are kept (the service's PostgreSQL and schema). */
  databaseUrl?: string;
  schema: string;
  topicOf: (service: string) => string;
  /** Prefixes the consumer groups, so that another topic prefix (a tenant, a test run) has groups of its own. */
  topicPrefix: string;
}

type Handler = (event: DecodedEvent) => Promise<void>;

/** One class with `@OnEvent` methods: its handlers by event name. */
interface Reactor {
  name: string;
  topics: string[];
  types: Set<string>;
  handlers: Map<string, Handler[]>;
}

const OPTIONS = Symbol('REACTORS_OPTIONS');

class ReactorsHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumers: EventConsumer[] = [];
  private pool?: Pool;

  constructor(
    @Inject(OPTIONS) private readonly options: ReactorsOptions,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_DECODER) private readonly decoder: EventDecoder,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const reactors = this.discover();
    if (reactors.length === 0) return;
    if (!this.options.databaseUrl) throw new Error('Reactors keep their positions in PostgreSQL: DATABASE_URL is required');
    this.pool = createPool({ connectionString: this.options.databaseUrl, max: 2 });
    const positions = new ReactorPositions(this.pool, this.options.schema);
    await positions.migrate();
    await waitForTopics(this.kafka, [...new Set(reactors.flatMap((reactor) => reactor.topics))], {
      onWait: (missing) => this.logger.info({ missing }, 'Waiting for the source services to create their topics'),
    });
    for (const reactor of reactors) {
      const consumer = new EventConsumer({
        kafka: this.kafka,
        groupId: `${this.options.topicPrefix}.reactor.${this.options.service}.${reactor.name}`,
        topics: reactor.topics,
        logger: componentLogger(this.logger),
        handle: (events) => this.handle(reactor, positions, events),
      });
      await consumer.start();
      this.consumers.push(consumer);
      this.logger.info({ reactor: reactor.name, events: [...reactor.handlers.keys()] }, 'Reactor consuming');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.pool?.end();
  }

  private async handle(reactor: Reactor, positions: ReactorPositions, events: ConsumedEvent[]): Promise<void> {
    const taken = events.filter((event) => reactor.types.has(event.type));
    if (taken.length === 0) return;
    const decoded = await this.decoder.decode(taken);
    const handled = await positions.load(
      reactor.name,
      decoded.map((event) => event.stream),
    );
    for (const event of decoded) {
      const last = handled.get(event.stream);
      if (last !== undefined && event.revision <= last) continue;
      const correlation = { correlationId: event.correlationId ?? event.id, causationId: event.id, actor: this.options.service };
      for (const handler of reactor.handlers.get(event.type) ?? []) await runWithCorrelation(correlation, () => handler(event));
      await positions.record(reactor.name, event.stream, event.revision);
      handled.set(event.stream, event.revision);
    }
  }

  /** Every provider class with `@OnEvent` methods, as a reactor. */
  private discover(): Reactor[] {
    const byProvider = new Map<object, { contracts: AnyEventContract[]; handlers: Map<string, Handler[]> }>();
    const marked = decoratedMethods<AnyEventContract[], Handler>(this.discovery, this.scanner, this.reflector, ON_EVENT);
    for (const { provider, method, metadata: contracts } of marked) {
      const found = byProvider.get(provider) ?? { contracts: [], handlers: new Map<string, Handler[]>() };
      byProvider.set(provider, found);
      for (const contract of contracts) {
        found.contracts.push(contract);
        found.handlers.set(contract.name, [...(found.handlers.get(contract.name) ?? []), method]);
      }
    }
    return [...byProvider]
      .filter(([, { handlers }]) => handlers.size > 0)
      .map(([provider, { contracts, handlers }]) => ({
        name: provider.constructor.name,
        topics: [...new Set(contracts.map((contract) => this.options.topicOf(contract.service)))],
        types: new Set(contracts.map((contract) => cloudEventType(contract))),
        handlers,
      }));
  }
}

/** Runs the application's reactors (`@OnEvent`), each on a consumer group of its own. */
@Module({})
export class ReactorsModule {
  static forRoot(options: ReactorsOptions): DynamicModule {
    return {
      module: ReactorsModule,
      imports: [DiscoveryModule],
      providers: [{ provide: OPTIONS, useValue: options }, ReactorsHost],
    };
  }
}
