import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { expectedRevisionFrom } from '../../http/etag';
import { ApiProblemResponse } from '../openapi/schemas';

const methodDecorator = (target: object, key: string | symbol | undefined) => {
  const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
  return (decorator: MethodDecorator) => decorator(target, key!, descriptor);
};

/**
 * Handler parameter: the revision `If-Match` demands (undefined without one, or with `*`); a malformed header is a
 * 400. Documents the header and the 412 a stale revision gets, so that no route that reads it forgets to say so.
 *
 *   update(@Param('id') id: string, @IfMatch() expectedRevision: number | undefined)
 */
export const IfMatch = createParamDecorator(
  (_: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<Request>().headers['if-match'];
    return expectedRevisionFrom(Array.isArray(header) ? header.join(',') : header);
  },
  [
    (target, key) => {
      const apply = methodDecorator(target, key);
      apply(
        ApiHeader({
          name: 'If-Match',
          required: false,
          description: 'The `ETag` of the version you read: the write is made only if it is still the current one.',
          schema: { type: 'string', pattern: '^(\\*|"[0-9]{1,15}")$', example: '"3"' },
        }),
      );
      apply(ApiProblemResponse(412, 'The resource changed after the version given in If-Match: read it again'));
    },
  ],
);
