import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { HttpConfig } from '../../config/base-config';
import { ConfigError } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { logProcessWarnings } from '../../logging/process-warnings';
import { configureHttpApp } from './configure-http-app';
import { installGracefulShutdown } from '../../http/graceful-shutdown';
import { PlatformModule } from './platform.module';
import { platformOptionsFromConfig, type PlatformOptions } from './platform-options';

type ModuleDefinition = Type<unknown> | DynamicModule;

export interface HttpServiceOptions<C extends HttpConfig> {
  /** The service's name (SERVICE_NAME overrides it): in logs, and the API title. */
  name: string;
  config: C;
  /** The service's root module given the configuration: `(config) => ContactsModule.forRoot(config)`. PlatformModule is added beside it. */
  module: (config: C) => ModuleDefinition;
  /** Overrides of what the configuration implies (OpenAPI title and version, extra media types...). */
  platform?: Partial<Omit<PlatformOptions, 'serviceName' | 'auth' | 'logging'>>;
  logger?: Logger;
}

/** The root that wraps a service module with the platform. */
@Module({})
class HttpServiceRoot {}

/** Builds the configured application, not yet listening (e2e tests listen on their own port). */
export async function createHttpService<C extends HttpConfig>(options: HttpServiceOptions<C>): Promise<NestExpressApplication> {
  const { config } = options;
  const base = platformOptionsFromConfig(config, options.name);
  const logger = options.logger ?? createLogger({ service: base.serviceName, level: config.LOG_LEVEL });
  // `http` merges: a service that adds media types keeps the configured body limit.
  const http = { ...base.http, ...options.platform?.http };
  const platform = PlatformModule.forRoot({ ...base, ...options.platform, http, logging: { logger } });
  const app = await NestFactory.create<NestExpressApplication>(
    { module: HttpServiceRoot, imports: [platform, options.module(config)] },
    // Errors during wiring are thrown (and logged by bootstrap), not answered with process.abort().
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  return configureHttpApp(app);
}

/**
 * The whole of a service's main.ts:
 *
 *   void bootstrapHttpService({ name: 'contacts', loadConfig: () => loadConfig(contactsConfigSpec),
 *                               module: (config) => ContactsModule.forRoot(config) });
 *
 * A ConfigError is printed as is (it names every bad variable) and exits 1, like any start-up failure.
 * Listens on HOST:PORT (loopback unless HOST says otherwise) and shuts down gracefully on SIGTERM/SIGINT.
 */
export async function bootstrapHttpService<C extends HttpConfig>(
  options: Omit<HttpServiceOptions<C>, 'config' | 'logger'> & { loadConfig: () => C },
): Promise<NestExpressApplication | undefined> {
  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    process.stderr.write(`${options.name}: ${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
    return undefined;
  }
  const logger = createLogger({ service: config.SERVICE_NAME ?? options.name, level: config.LOG_LEVEL });
  logProcessWarnings(logger);
  try {
    const app = await createHttpService({ ...options, config, logger });
    await app.listen(config.PORT, config.HOST);
    installGracefulShutdown(app, { logger, timeoutMs: config.SHUTDOWN_TIMEOUT });
    logger.info({ host: config.HOST, port: config.PORT }, 'listening');
    return app;
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
    return undefined;
  }
}
