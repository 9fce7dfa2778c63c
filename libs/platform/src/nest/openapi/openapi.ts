import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AccessPolicy } from '../auth/decorators';
import { applyPlatformConventions, BEARER, type OpenApiConvention } from './conventions';
import { routeHandlers } from '../http/routes';

export interface OpenApiOptions {
  title: string;
  version?: string;
  description?: string;
  /** The licence of the API; the project's (package.json) unless given. */
  license?: { name: string; url: string };
  /** Where the API is served; the host that served the document (`/`) unless given. */
  servers?: { url: string; description?: string }[];
  /** What the kit and the service add to every operation they apply to (headers, statuses). */
  conventions?: readonly OpenApiConvention[];
}

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'openapi.json';
const APACHE_2 = { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' };

/** The OpenAPI document of the application: what Swagger reads from its decorators, with the platform's conventions. */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions, access?: AccessPolicy) {
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version ?? '1')
    .setDescription(options.description ?? `The ${options.title}.`)
    .setLicense((options.license ?? APACHE_2).name, (options.license ?? APACHE_2).url)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER);
  for (const server of options.servers ?? [{ url: '/', description: 'The host that serves this document' }])
    builder.addServer(server.url, server.description);
  const document = SwaggerModule.createDocument(app, builder.build());
  return applyPlatformConventions(document, { access, routes: routeHandlers(app), conventions: options.conventions });
}

/** Serves the OpenAPI document at /openapi.json and Swagger UI at /docs, both public. */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions, access?: AccessPolicy): void {
  // Swagger builds the document on first request and keeps it.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app, options, access), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: options.title,
    swaggerOptions: { persistAuthorization: true },
  });
}
