import type { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Role } from '../../auth/principal';
import { issueToken } from '../../auth/tokens';
import { configureHttpApp } from '../http/configure-http-app';
import { CORRELATION_HEADER } from '../http/correlation.middleware';
import { PlatformModule } from '../http/platform.module';
import type { PlatformOptions } from '../http/platform-options';

/** The JWT secret of test apps; public, like DEV_JWT_SECRET. */
export const TEST_JWT_SECRET = 'test-only-secret-do-not-use-0123456789';

export interface HttpTestAppOptions extends Pick<ModuleMetadata, 'controllers' | 'providers'> {
  imports?: (Type<unknown> | DynamicModule)[];
  /** Overrides; by default service "test", TEST_JWT_SECRET and silent logs. */
  platform?: Partial<PlatformOptions>;
}

/**
 * An initialized (not listening) application with the same platform as production, for supertest:
 * `request(app.getHttpServer()).get('/v1/contacts').set('Authorization', `Bearer ${testToken(['sales'])}`)`.
 */
export async function createHttpTestApp(options: HttpTestAppOptions = {}): Promise<NestExpressApplication> {
  const platform = PlatformModule.forRoot({
    serviceName: 'test',
    auth: { secret: TEST_JWT_SECRET },
    logging: { level: 'silent' },
    ...options.platform,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [platform, ...(options.imports ?? [])],
    controllers: options.controllers,
    providers: options.providers,
  }).compile();
  // Same options as createHttpService: the platform installs the only body parser.
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureHttpApp(app);
  await app.init();
  return app;
}

/** A bearer token for test apps. */
export function testToken(roles: readonly Role[] = [], sub = 'test-user', secret = TEST_JWT_SECRET): string {
  return issueToken({ sub, roles }, secret, '10m');
}

/** Header fields about the exchange rather than the answer (a replayed answer has its own): by lower-case name. */
const EXCHANGE_HEADERS = new Set(['date', 'connection', 'keep-alive', CORRELATION_HEADER, 'idempotent-replayed']);

/**
 * The header lines of a supertest response as they came, names in the case they were sent, but those about the exchange
 * itself (Date, Connection, the correlation id, Idempotent-Replayed); sorted, as the order of different fields carries
 * no meaning (RFC 9110, 5.3). For telling whether two answers are the same.
 */
export function answerHeaderLines(response: object): string[] {
  const raw = (response as { res: { rawHeaders: string[] } }).res.rawHeaders;
  return raw
    .flatMap((name, index) =>
      index % 2 === 0 && !EXCHANGE_HEADERS.has(name.toLowerCase()) ? [`${name}: ${raw[index + 1]}`] : [],
    )
    .sort();
}

export { edgeInputs, fieldPathsOf, type EdgeInput } from './edge-inputs';
export { documentedAnswers } from './documented-answers';
