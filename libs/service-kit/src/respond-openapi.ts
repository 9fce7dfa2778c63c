import { applyDecorators } from '@nestjs/common';
import {
  ApiJsonResponse,
  RESPONSE_HEADERS,
  type HeaderObject,
  type ReferenceObject,
  type SchemaObject,
} from '@crm/platform/nest';
import { POSITION_TOKEN_HEADER } from '@crm/read-api';

export interface ApiRespondsOptions {
  /** 200 unless given; a create's 201. */
  status?: number;
  /** The answer carries `Location` (a create). */
  location?: boolean;
  /** The answer carries `Position-Token` (the written view is in a list); true unless given. */
  position?: boolean;
  description?: string;
}

/**
 * Documents an answer made by `respond()`: the view's schema, and the headers respond() sets: `ETag` always,
 * `Position-Token` when the result names where it will show, `Location` for a create. Beside the call it documents:
 *
 *   @ApiResponds(contactViewSchema, { status: 201, location: true })
 *   async create(...) { return respond(response, written, { status: 201, location }); }
 */
export function ApiResponds(
  view: ReferenceObject | SchemaObject,
  { status = 200, location = false, position = true, description }: ApiRespondsOptions = {},
): MethodDecorator {
  const headers: Record<string, HeaderObject> = { [RESPONSE_HEADERS.etag.name]: RESPONSE_HEADERS.etag.header };
  if (position) {
    headers[POSITION_TOKEN_HEADER] = {
      description: 'Where the write will show in the lists: pass it as `position` to a list to wait until it does.',
      required: true,
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
    };
  }
  if (location) headers[RESPONSE_HEADERS.location.name] = RESPONSE_HEADERS.location.header;
  return applyDecorators(ApiJsonResponse(status, view, { description, headers }));
}
