import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ConfigSpec } from '@crm/platform';
import { createHttpTestApp } from '@crm/platform/nest/testing';
import { platformOptionsOf } from '../bootstrap';
import { loadServiceConfig, type ServiceConfig } from '../config';
import type { ServiceDefinition } from '../service';
import { ServiceModule } from '../service.module';

/** The service's configuration for a test: the environment (NODE_ENV=test, so development defaults apply) and `env`. */
export function serviceTestConfig<Spec extends ConfigSpec>(
  definition: ServiceDefinition<Spec>,
  env: Record<string, string> = {},
): ServiceConfig<Spec> {
  return loadServiceConfig(definition, { ...process.env, NODE_ENV: 'test', ...env });
}

/**
 * An initialized (not listening) application of the service on the test platform (TEST_JWT_SECRET, silent logs), for
 * supertest; `config` from `serviceTestConfig` with the test's own schema, read database and topic prefix.
 */
export function createServiceTestApp<Spec extends ConfigSpec>(
  definition: ServiceDefinition<Spec>,
  config: ServiceConfig<Spec>,
): Promise<NestExpressApplication> {
  return createHttpTestApp({
    imports: [ServiceModule.forService(definition, config)],
    platform: { serviceName: definition.name, ...platformOptionsOf(definition) },
  });
}
