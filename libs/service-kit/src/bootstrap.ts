import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { ConfigSpec } from '@crm/platform';
import { idempotencyConvention } from '@crm/idempotency/nest';
import { bootstrapHttpService, createHttpService, type PlatformOptions } from '@crm/platform/nest';
import { loadServiceConfig, type ServiceConfig } from './config';
import { storesEvents, type ServiceDefinition } from './service';
import { ServiceModule } from './service.module';

/**
 * The platform options a declaration implies: its access policy, extra media types, and its OpenAPI title and
 * conventions (Idempotency-Key on POST where the kit installs it).
 */
export function platformOptionsOf(definition: ServiceDefinition): Partial<PlatformOptions> {
  return {
    access: definition.access,
    openApi: { title: definition.title, conventions: storesEvents(definition) ? [idempotencyConvention] : [] },
    http: { extraMediaTypes: definition.extraMediaTypes },
  };
}

/** The service as an application, not yet listening (e2e tests listen on a port of their own). */
export function createService<Spec extends ConfigSpec>(
  definition: ServiceDefinition<Spec>,
  config: ServiceConfig<Spec> = loadServiceConfig(definition),
  logger?: Logger,
): Promise<NestExpressApplication> {
  return createHttpService({
    name: definition.name,
    config,
    module: () => ServiceModule.forService(definition, config),
    platform: platformOptionsOf(definition),
    logger,
  });
}

/** Loads and checks the configuration (a bad one stops the process, naming every bad variable), listens, shuts down gracefully. */
export function serveService<Spec extends ConfigSpec>(definition: ServiceDefinition<Spec>): Promise<unknown> {
  return bootstrapHttpService({
    name: definition.name,
    loadConfig: () => loadServiceConfig(definition),
    module: (config) => ServiceModule.forService(definition, config as ServiceConfig),
    platform: platformOptionsOf(definition),
  });
}
