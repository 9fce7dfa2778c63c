import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { crmContracts } from '@crm/contracts';
import { EventStoreModule } from '@crm/eventsourcing/nest';
import { IdempotencyModule } from '@crm/idempotency/nest';
import { EventDecoder } from '@crm/messaging';
import { KafkaModule, PREPARE_FOR_PUBLISHING, RelayModule, type PrepareForPublishing } from '@crm/messaging/nest';
import { vaultResponseProtection, type PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT, PrivacyModule } from '@crm/privacy/nest';
import { EVENT_DECODER, ReadModelsModule } from '@crm/projections/nest';
import { aggregateIdOfStream, repositoryProviders } from './aggregates';
import { settingsOf, type ServiceConfig, type ServiceSettings, type timersConfigSpec } from './config';
import { ReactorsModule } from './reactors/reactors.module';
import { ReadModels } from './read-models';
import { firesTimers, storesEvents, type ServiceDefinition } from './service';
import { TimersModule } from './timers/timers.module';

/** Injection token of the service's configuration (`ServiceConfig<typeof spec>`): its own variables and the kit's. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** Injection token of what the kit derived from it (`ServiceSettings`: schema, read database, topics...). */
export const SERVICE_SETTINGS = Symbol('SERVICE_SETTINGS');

/** What every part of the service can inject: its configuration, the vault, the decoder, its repositories. */
@Global()
@Module({})
class ServiceCoreModule {
  static forService(definition: ServiceDefinition, config: ServiceConfig, settings: ServiceSettings): DynamicModule {
    const aggregates = definition.aggregates ?? [];
    const providers = [
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: SERVICE_SETTINGS, useValue: settings },
      {
        provide: EVENT_DECODER,
        inject: [PERSONAL_DATA_VAULT],
        useFactory: (vault: PersonalDataVault) =>
          new EventDecoder({ registry: crmContracts, openPersonalData: (events) => vault.open(events) }),
      },
      {
        provide: PREPARE_FOR_PUBLISHING,
        inject: [PERSONAL_DATA_VAULT],
        useFactory:
          (vault: PersonalDataVault): PrepareForPublishing =>
          (events) =>
            vault.toPublished(events),
      },
      ...repositoryProviders(aggregates, crmContracts),
    ];
    return { module: ServiceCoreModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}

/** Where the read models are queried from (ReadModels), for services that have some. */
@Module({})
class ReadModelsAccessModule {}

/**
 * The whole of a service but its own code, from its declaration: configuration; Kafka; the vault over the shared
 * subject keys (sealing when it has aggregates, opening only otherwise); with aggregates, the event store, the
 * relay to its topic, Idempotency-Key on POST and a repository per aggregate; with timer kinds, its timers and their
 * scheduler; with projections, its read-model
 * database and the runners; its reactors; CQRS buses; then its application module. PlatformModule (HTTP, auth,
 * health, metrics, problems) is added beside it by `createService`.
 *
 * The order matters on shutdown (reverse order): the application and the consumers stop before the stores close.
 */
@Module({})
export class ServiceModule {
  static forService(definition: ServiceDefinition, config: ServiceConfig): DynamicModule {
    const settings = settingsOf(definition.name, config);
    const eventSourced = storesEvents(definition);
    const imports: DynamicModule[] = [
      CqrsModule.forRoot(),
      KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: definition.name }),
      PrivacyModule.forRoot({
        contracts: crmContracts,
        ...settings.subjectKeys,
        mode: eventSourced ? 'seal' : 'open',
        movingFrom: eventSourced ? settings.schema : undefined,
        besideEvents:
          eventSourced && config.EVENT_STORE === 'postgres' && settings.subjectKeys.databaseUrl === config.DATABASE_URL,
      }),
      ServiceCoreModule.forService(definition, config, settings),
    ];
    if (eventSourced) {
      imports.push(
        EventStoreModule.forRoot({
          kind: config.EVENT_STORE,
          databaseUrl: config.DATABASE_URL,
          esdbUrl: config.ESDB_URL,
          schema: settings.schema,
        }),
        RelayModule.forRoot({
          service: definition.name,
          topic: settings.topicOf(definition.name),
          databaseUrl: config.DATABASE_URL!,
          schema: settings.schema,
          subjectOf: (event) => crmContracts.subjectOf(event.type, event.data),
          aggregateIdOf: (event) => aggregateIdOfStream(definition.aggregates!, event.streamName),
        }),
        IdempotencyModule.forRoot({
          databaseUrl: config.DATABASE_URL!,
          schema: settings.schema,
          // A kept response shows the person it is about: sealed with their key, gone with their erasure.
          protect: definition.responseSubject && {
            inject: [PERSONAL_DATA_VAULT],
            useFactory: (vault: PersonalDataVault) => vaultResponseProtection(vault, definition.responseSubject!),
          },
        }),
      );
    }
    if (firesTimers(definition)) {
      const timersConfig = config as ServiceConfig<typeof timersConfigSpec>;
      imports.push(
        TimersModule.forRoot({
          service: definition.name,
          databaseUrl: config.DATABASE_URL!,
          schema: settings.schema,
          kinds: definition.timers!,
          pollIntervalMs: timersConfig.TIMERS_POLL_INTERVAL,
          batchSize: timersConfig.TIMERS_BATCH_SIZE,
          leaseMs: timersConfig.TIMERS_LEASE,
        }),
      );
    }
    if ((definition.projections ?? []).length > 0) {
      imports.push(
        ReadModelsModule.forRoot({
          uri: config.MONGODB_URI,
          dbName: settings.readDatabase,
          projections: definition.projections!,
          topicOf: settings.topicOf,
        }),
        { module: ReadModelsAccessModule, global: true, providers: [ReadModels], exports: [ReadModels] },
      );
    }
    imports.push(
      ReactorsModule.forRoot({
        service: definition.name,
        databaseUrl: config.DATABASE_URL,
        schema: settings.schema,
        topicOf: settings.topicOf,
        topicPrefix: settings.topicPrefix,
      }),
    );
    return { module: ServiceModule, imports: [...imports, definition.application] };
  }
}
