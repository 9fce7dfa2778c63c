import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthGuard } from '../auth/auth.guard';
import { TokenVerifier } from '../../auth/tokens';
import { HealthController } from '../health/health.controller';
import { HealthRegistry } from '../health/health.registry';
import { createLogger } from '../../logging/logger';
import { PinoNestLogger } from '../logging/nest-logger';
import { MetricsController } from '../metrics/metrics.controller';
import { ProblemDetailsFilter } from '../problems/problem.filter';
import { ProblemRegistry, problemRegistry } from '../../problems/problem-registry';
import { NoQueryGuard } from '../validation/no-query.guard';
import { UnsafeKeysGuard } from '../validation/unsafe-keys.guard';
import { createValidationPipe } from '../validation/validation.pipe';
import { assertPlatformOptions, type PlatformOptions } from './platform-options';
import { RequestObserver } from './observe-requests.middleware';
import { PLATFORM_LOGGER, PLATFORM_OPTIONS } from './tokens';

/**
 * Everything an HTTP service shares, as one global module: authentication (every route needs a
 * token unless @Public()), operator-key rejection, validation, problem+json errors, logging, health
 * and metrics endpoints. Apply `configureHttpApp(app)` to the application built from it.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    assertPlatformOptions(options);
    const logger: Logger =
      options.logging?.logger ??
      createLogger({ service: options.serviceName, level: options.logging?.level, destination: options.logging?.destination });
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: PLATFORM_LOGGER, useValue: logger },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(logger) },
        { provide: ProblemRegistry, useValue: options.problems ?? problemRegistry },
        { provide: TokenVerifier, useValue: new TokenVerifier(options.auth) },
        HealthRegistry,
        RequestObserver,
        // Guards run in this order: who is calling, then what they sent.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: UnsafeKeysGuard },
        { provide: APP_GUARD, useClass: NoQueryGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [
        PLATFORM_OPTIONS,
        PLATFORM_LOGGER,
        PinoNestLogger,
        ProblemRegistry,
        TokenVerifier,
        HealthRegistry,
        RequestObserver,
      ],
    };
  }
}
