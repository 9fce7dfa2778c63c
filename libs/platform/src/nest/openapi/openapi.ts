import type { INestApplication } from '@nestjs/common';
import {
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import {
  OPENAPI_ACCESS_EXTENSION,
  OPENAPI_PUBLIC_EXTENSION,
  OPENAPI_ROLES_EXTENSION,
  type AccessLevel,
  type AccessPolicy,
} from '../auth/decorators';
import { PROBLEM_BASE_URI, PROBLEM_CONTENT_TYPE } from '../../problems/problem';

export interface OpenApiOptions {
  title: string;
  version?: string;
  description?: string;
}

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'openapi.json';
const BEARER = 'bearer';
const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDetails';

const problemSchemas: Record<string, SchemaObject> = {
  FieldError: {
    type: 'object',
    required: ['field', 'messages'],
    properties: {
      field: {
        type: 'string',
        example: 'emails[0].address',
        description: 'Path of the field as sent; empty for the input as a whole',
      },
      messages: { type: 'array', items: { type: 'string' }, example: ['address must be an email'] },
      in: { type: 'string', enum: ['body', 'query'] },
    },
  },
  ProblemDetails: {
    type: 'object',
    description: `RFC 9457 problem details. \`type\` identifies the problem; platform types are under ${PROBLEM_BASE_URI}.`,
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string', format: 'uri', example: `${PROBLEM_BASE_URI}validation` },
      title: { type: 'string', example: 'The request is invalid' },
      status: { type: 'integer', example: 400 },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'Request path' },
      correlationId: { type: 'string', description: 'Quote it when reporting a problem' },
      errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
    },
  },
};

const problemResponse = (description: string): ResponseObject => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
});

/** Documents a problem response of one operation: `@ApiProblemResponse(404, 'No such contact')`. */
export const ApiProblemResponse = (status: number, description: string) =>
  ApiResponse({ status, description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } } });

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Adds what every operation shares: bearer security unless @Public(), the roles it requires (`x-crm-roles`, from
 * the access policy where the route names a level), and the problem responses the platform can produce for it.
 */
export function applyPlatformConventions(document: OpenAPIObject, access?: AccessPolicy): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...problemSchemas } };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      const isPublic = operation[OPENAPI_PUBLIC_EXTENSION] === true;
      delete operation[OPENAPI_PUBLIC_EXTENSION];
      const level = operation[OPENAPI_ACCESS_EXTENSION] as AccessLevel | undefined;
      delete operation[OPENAPI_ACCESS_EXTENSION];
      if (level && access && operation[OPENAPI_ROLES_EXTENSION] === undefined) operation[OPENAPI_ROLES_EXTENSION] = access[level];
      operation.security = isPublic ? [] : [{ [BEARER]: [] }];
      const defaults: Record<string, ResponseObject> = {
        '400': problemResponse('Invalid input: every bad field is listed in `errors`'),
        ...(!isPublic && {
          '401': problemResponse('Missing, invalid or expired bearer token'),
          '403': problemResponse('The token lacks a required role'),
        }),
        '500': problemResponse('Unexpected error'),
      };
      operation.responses = { ...defaults, ...operation.responses };
    }
  }
  return document;
}

/** Serves the OpenAPI document at /openapi.json and Swagger UI at /docs, both public. */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions, access?: AccessPolicy): void {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version ?? '1')
    .setDescription(options.description ?? '')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .build();
  // Swagger builds the document on first request and keeps it.
  const build = () => applyPlatformConventions(SwaggerModule.createDocument(app, config), access);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, build, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: options.title,
    swaggerOptions: { persistAuthorization: true },
  });
}
