// The service kit: a service declares what it is (defineService) and the kit wires the rest. README.md walks through
// adding a service. `@crm/service-kit/run` is main.ts's entry; `@crm/service-kit/testing` builds test apps.
export { defineService, InvalidServiceDefinitionError, type ServiceDefinition } from './service';
export {
  envPrefixOf,
  timersConfigSpec,
  loadServiceConfig,
  serviceConfigSpec,
  settingsOf,
  type KitConfig,
  type ServiceConfig,
  type ServiceSettings,
} from './config';
export { SERVICE_CONFIG, SERVICE_SETTINGS, ServiceModule } from './service.module';
export { InjectRepository, repositoryToken, type RepositoryOf } from './aggregates';
export { positionIn, respond, type Written } from './respond';
export { ApiResponds, type ApiRespondsOptions } from './respond-openapi';
export { historyOf, ownFields, type FieldChange, type HistoryEntry, type RecordedChange } from './history';
export { historyEntryType } from './history-openapi';
export { ReadModels, type ReadModelDocument } from './read-models';
export { OnEvent, type ReceivedEvent } from './reactors/on-event';
export { OnTimer } from './timers/on-timer';
export { Timers, TimerHandlersMismatch } from './timers/timers.module';
export { createService, serveService } from './bootstrap';
export { rebuildCommand } from './cli';
