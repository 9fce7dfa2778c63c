import { ParseIntPipe, ParseUUIDPipe, type Type } from '@nestjs/common';
import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../../problems/problem';
import {
  OPENAPI_ACCESS_EXTENSION,
  OPENAPI_PUBLIC_EXTENSION,
  OPENAPI_ROLES_EXTENSION,
  type AccessLevel,
  type AccessPolicy,
} from '../auth/decorators';
import { VALIDATION_OPTIONS } from '../validation/validation.pipe';
import type { RouteHandler } from '../http/routes';
import { namedSchemasUsedBy, PROBLEM_SCHEMA_REF, problemSchemas, RESPONSE_HEADERS, type HeaderObject } from './schemas';
import { ANY_UUID_PATTERN, mergedProperty, validatedClass } from './validation-schema';

export const BEARER = 'bearer';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** One operation of the document while conventions add to it, with the handler behind it when it is one of ours. */
export interface OpenApiOperation {
  readonly method: string;
  readonly path: string;
  readonly operation: OperationObject & Record<string, unknown>;
  readonly route?: RouteHandler;
  /** Not behind the bearer token (`@Public()`). */
  readonly isPublic: boolean;
}

/**
 * What a part of the platform or the kit does to the requests it handles, written into each operation it applies to
 * (a header it reads, a status it may answer, a header it sets), so that a service's document says it by default.
 */
export type OpenApiConvention = (operation: OpenApiOperation) => void;

export const problemResponse = (description: string, headers?: Record<string, HeaderObject>): ResponseObject => ({
  description,
  ...(headers && { headers }),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
});

/** Adds a problem response unless the operation documents that status itself (with its own words). */
export function addProblem(
  operation: OperationObject,
  status: number,
  description: string,
  headers?: Record<string, HeaderObject>,
) {
  const existing = operation.responses[String(status)] as ResponseObject | undefined;
  if (existing) {
    if (headers) existing.headers = { ...headers, ...existing.headers };
    return;
  }
  operation.responses[String(status)] = problemResponse(description, headers);
}

/** Adds a request header parameter unless documented already. */
export function addHeaderParameter(operation: OperationObject, parameter: Omit<ParameterObject, 'in'>) {
  const parameters = (operation.parameters ??= []) as ParameterObject[];
  if (parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === parameter.name.toLowerCase())) return;
  parameters.push({ in: 'header', ...parameter });
}

/** Adds a response header to the responses whose status `which` picks. */
export function addResponseHeader(
  operation: OperationObject,
  name: string,
  header: HeaderObject,
  which: (status: string) => boolean,
): void {
  for (const [status, response] of Object.entries(operation.responses as Record<string, ResponseObject | ReferenceObject>)) {
    if (!which(status) || '$ref' in response) continue;
    response.headers = { ...response.headers, [name]: { ...header, ...response.headers?.[name] } };
  }
}

const hasPathParameters = (path: string) => path.includes('{');

/** Security: bearer unless @Public(); the roles it takes (`x-crm-roles`, from the access policy where a route names a level). */
function security(access: AccessPolicy | undefined): OpenApiConvention {
  return ({ operation, isPublic }) => {
    delete operation[OPENAPI_PUBLIC_EXTENSION];
    const level = operation[OPENAPI_ACCESS_EXTENSION] as AccessLevel | undefined;
    delete operation[OPENAPI_ACCESS_EXTENSION];
    if (level && access && operation[OPENAPI_ROLES_EXTENSION] === undefined) operation[OPENAPI_ROLES_EXTENSION] = access[level];
    operation.security = isPublic ? [] : [{ [BEARER]: [] }];
  };
}

/** Path parameters as their pipes parse them: `ParseUUIDPipe` takes a UUID of any version, `ParseIntPipe` an integer. */
const pathParameters: OpenApiConvention = ({ operation, route }) => {
  for (const param of route?.params ?? []) {
    if (param.in !== 'path' || !param.name) continue;
    const documented = (operation.parameters as ParameterObject[] | undefined)?.find(
      (p) => p.in === 'path' && p.name === param.name,
    );
    if (!documented) continue;
    if (param.pipes.some((pipe) => pipe instanceof ParseUUIDPipe || pipe === ParseUUIDPipe))
      documented.schema = { type: 'string', format: 'uuid', pattern: ANY_UUID_PATTERN };
    else if (param.pipes.some((pipe) => pipe instanceof ParseIntPipe || pipe === ParseIntPipe))
      documented.schema = { type: 'integer' };
  }
};

/** No NUL character: the platform refuses text no database stores (inspectInput), in any string of the input. */
const NO_NUL = '(?![^\\u0000]*\\u0000)';

/** A string schema that says no NUL, as its pattern (or in front of its own pattern, anchored). */
function withoutNul(schema: SchemaObject | ReferenceObject): SchemaObject | ReferenceObject {
  if ('$ref' in schema) return schema;
  if (schema.items) schema.items = withoutNul(schema.items);
  for (const part of ['allOf', 'anyOf', 'oneOf'] as const) schema[part] = schema[part]?.map(withoutNul);
  if (schema.type !== 'string' || schema.enum || schema.format) return schema;
  if (schema.pattern === undefined) return { ...schema, pattern: `^${NO_NUL}` };
  return schema.pattern.startsWith('^') && !schema.pattern.includes(NO_NUL)
    ? { ...schema, pattern: `^${NO_NUL}${schema.pattern.slice(1)}` }
    : schema;
}

const isClass = (value: unknown): value is Type =>
  typeof value === 'function' && ![String, Number, Boolean, Object, Array].includes(value as never);

/**
 * Request bodies and query parameters as the validation pipe checks them (class-validator metadata), over what their
 * `@ApiProperty()`s say; a body refuses unknown properties (`additionalProperties: false`) when the pipe forbids them.
 */
function validatedInputs(document: OpenAPIObject): OpenApiConvention {
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  const done = new Set<string>();
  const deriveBody = (target: Type) => {
    if (done.has(target.name)) return;
    done.add(target.name);
    const validated = validatedClass(target, 'body');
    const documented = (schemas[target.name] ?? { type: 'object' }) as SchemaObject;
    const properties = Object.fromEntries(
      Object.entries(validated.properties).map(([name, property]) => [
        name,
        withoutNul(mergedProperty(documented.properties?.[name], property)),
      ]),
    );
    schemas[target.name] = {
      ...documented,
      type: 'object',
      properties,
      ...(validated.required.length > 0 ? { required: validated.required } : { required: undefined }),
      ...(VALIDATION_OPTIONS.forbidNonWhitelisted && { additionalProperties: false }),
    };
    if (validated.required.length === 0) delete (schemas[target.name] as SchemaObject).required;
    validated.nested.forEach(deriveBody);
  };
  return ({ operation, route }) => {
    for (const param of route?.params ?? []) {
      if (!isClass(param.type) || param.name) continue;
      if (param.in === 'body') {
        deriveBody(param.type);
        // Without a body the pipe checks `{}`: a class that requires nothing takes a request without one.
        const body = operation.requestBody as RequestBodyObject | undefined;
        if (body && validatedClass(param.type, 'body').required.length === 0) body.required = false;
      }
      if (param.in === 'query') deriveQuery(operation, param.type);
    }
  };
}

function deriveQuery(operation: OperationObject, target: Type): void {
  const validated = validatedClass(target, 'query');
  const others = ((operation.parameters ?? []) as ParameterObject[]).filter((p) => p.in !== 'query');
  const documented = new Map(
    ((operation.parameters ?? []) as ParameterObject[]).filter((p) => p.in === 'query').map((p) => [p.name, p]),
  );
  const query = Object.entries(validated.properties).map(([name, property]): ParameterObject => {
    const parameter = documented.get(name);
    const schema = withoutNul(mergedProperty(parameter?.schema, property)) as SchemaObject;
    // Swagger keeps an @ApiProperty()'s vendor extensions off a query parameter: they are taken from it here.
    const extensions = extensionsOf(Reflect.getMetadata(API_MODEL_PROPERTIES, target.prototype, name));
    const description = parameter?.description ?? (schema as SchemaObject).description;
    delete (schema as SchemaObject).description;
    return {
      name,
      in: 'query',
      required: validated.required.includes(name),
      ...(description && { description }),
      ...extensions,
      // The query parser (qs) reads an object as `name[key]=value`.
      ...(schema.type === 'object'
        ? { style: 'deepObject', explode: true }
        : parameter?.style && { style: parameter.style, explode: parameter.explode }),
      schema,
    };
  });
  operation.parameters = [...others, ...query];
}

/** @nestjs/swagger's metadata key of an @ApiProperty() (its constants are not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

const extensionsOf = (options: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(options ?? {}).filter(([key]) => key.startsWith('x-')));

/** The problems the platform answers for any request it handles, beside those the operation documents itself. */
const platformProblems: OpenApiConvention = ({ operation, path, isPublic }) => {
  addProblem(operation, 400, 'Invalid input: every bad field is listed in `errors`');
  if (!isPublic) {
    addProblem(operation, 401, 'Missing, invalid or expired bearer token');
    addProblem(operation, 403, 'The token lacks a required role');
  }
  if (hasPathParameters(path)) addProblem(operation, 404, 'Nothing is found at this path');
  if (operation.requestBody) {
    addProblem(operation, 413, 'The request body is larger than the service accepts');
    addProblem(operation, 415, 'The request body is not of a media type the operation accepts');
  }
  // Node's HTTP parser refuses it before any handler (answerClientErrors makes it a problem).
  addProblem(operation, 431, 'The request line and headers are larger than the service reads (16 KiB)');
  addProblem(operation, 500, 'Unexpected error; quote the correlation id when reporting it');
  if (!isPublic) {
    addProblem(operation, 503, 'A database or the broker is out of reach for now; retry after the time given', {
      [RESPONSE_HEADERS.retryAfter.name]: RESPONSE_HEADERS.retryAfter.header,
    });
  }
};

/** Every schema a success response names that the document does not hold yet. */
function namedComponents(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  Object.assign(schemas, namedSchemasUsedBy(document, schemas));
}

/** Drops the component schemas nothing refers to any more (Swagger's `Object` for a property the conventions rewrote). */
function withoutUnusedSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$ref' || typeof value !== 'string') visit(value);
      else if (value.startsWith(COMPONENT_SCHEMAS) && !used.has(value.slice(COMPONENT_SCHEMAS.length))) {
        used.add(value.slice(COMPONENT_SCHEMAS.length));
        visit(schemas[value.slice(COMPONENT_SCHEMAS.length)]);
      }
    }
  };
  visit(document.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

const COMPONENT_SCHEMAS = '#/components/schemas/';

export interface ConventionOptions {
  access?: AccessPolicy;
  /** The application's handlers by `method /path`, from `routeHandlers(app)`. */
  routes?: ReadonlyMap<string, RouteHandler>;
  /** The service's and the kit's conventions, applied after the platform's (so they see its responses). */
  conventions?: readonly OpenApiConvention[];
}

/**
 * Adds what every operation shares: bearer security unless @Public(), the roles it requires, its path parameters as
 * their pipes parse them, its body and query as validation checks them, the problem responses the platform can
 * produce for it, then the conventions of the kit and the service; and the named schemas the operations use.
 */
export function applyPlatformConventions(document: OpenAPIObject, options: ConventionOptions | AccessPolicy = {}): OpenAPIObject {
  const {
    access,
    routes,
    conventions = [],
  } = 'read' in options ? { access: options as AccessPolicy } : (options as ConventionOptions);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...problemSchemas } };
  const all: OpenApiConvention[] = [
    security(access),
    pathParameters,
    validatedInputs(document),
    platformProblems,
    ...conventions,
  ];
  for (const [path, pathItem] of Object.entries(document.paths as Record<string, PathItemObject>)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      const isPublic = operation[OPENAPI_PUBLIC_EXTENSION] === true;
      const context: OpenApiOperation = { method, path, operation, route: routes?.get(`${method} ${path}`), isPublic };
      for (const convention of all) convention(context);
      operation.responses = sortedResponses(operation.responses);
    }
  }
  namedComponents(document);
  withoutUnusedSchemas(document);
  return document;
}

function sortedResponses(responses: OperationObject['responses']): OperationObject['responses'] {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}
