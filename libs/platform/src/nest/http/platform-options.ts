import type { DestinationStream, Logger } from 'pino';
import { JWT_SECRET_MIN_LENGTH, type HttpConfig, type LogLevel } from '../../config/base-config';
import type { AccessPolicy } from '../auth/decorators';
import type { OpenApiOptions } from '../openapi/openapi';
import type { ProblemRegistry } from '../../problems/problem-registry';

export interface PlatformOptions {
  serviceName: string;
  auth: { secret: string; issuer?: string; audience?: string };
  /** Who may read and who may write, for routes marked `@Access('read' | 'write')`. */
  access?: AccessPolicy;
  /** A ready logger (bootstrap shares its own), or how to make one. */
  logging?: { logger?: Logger; level?: LogLevel; destination?: DestinationStream };
  http?: {
    /** Largest request body; 1 MiB unless given. */
    bodyLimitBytes?: number;
    /** Media types accepted besides JSON, e.g. `text/csv` for imports. */
    extraMediaTypes?: readonly string[];
  };
  /** Swagger UI at /docs and the document at /openapi.json; `false` turns both off. */
  openApi?: Partial<OpenApiOptions> | false;
  /** Where domain errors are mapped to problems; the process-wide `problemRegistry` unless given. */
  problems?: ProblemRegistry;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** The platform options a validated configuration implies. */
export function platformOptionsFromConfig(config: HttpConfig, serviceName: string): PlatformOptions {
  return {
    serviceName: config.SERVICE_NAME ?? serviceName,
    auth: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    logging: { level: config.LOG_LEVEL },
    http: { bodyLimitBytes: config.HTTP_BODY_LIMIT },
  };
}

/** Options that bypassed loadConfig (tests, hand-written wiring) are still checked. */
export function assertPlatformOptions(options: PlatformOptions): void {
  if (!/^[a-z][a-z0-9-]*$/.test(options.serviceName)) throw new Error(`Not a service name: "${options.serviceName}"`);
  if (options.auth.secret.length < JWT_SECRET_MIN_LENGTH) {
    throw new Error(`The JWT secret must be at least ${JWT_SECRET_MIN_LENGTH} characters long`);
  }
}
