import 'reflect-metadata';
import type { OpenApiOperation, RouteHandler } from '@crm/platform/nest';
import { idempotencyConvention } from './idempotency-openapi';
import { SkipIdempotency } from './skip-idempotency.decorator';

class Routes {
  create(): void {}
  @SkipIdempotency()
  search(): void {}
}

const operationOf = (method: string, handler: keyof Routes, isPublic = false): OpenApiOperation => ({
  method,
  path: '/v1/things',
  isPublic,
  operation: { responses: { '201': { description: 'Created' }, '401': { description: 'No token' } } },
  route: { controller: Routes, handler: Routes.prototype[handler], method, path: '/v1/things', params: [] } as RouteHandler,
});

describe('idempotencyConvention', () => {
  it('documents the key, its problems and the replay header on an authenticated POST', () => {
    const post = operationOf('post', 'create');
    idempotencyConvention(post);
    expect(post.operation.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
    expect(Object.keys(post.operation.responses).sort()).toEqual(['201', '401', '409', '410', '422']);
    const responses = post.operation.responses as Record<string, { headers?: Record<string, unknown> }>;
    expect(responses['201'].headers).toHaveProperty('Idempotent-Replayed');
    // Authentication answers before the interceptor: never a replay.
    expect(responses['401'].headers).toBeUndefined();
  });

  it('leaves other methods, public routes and @SkipIdempotency() alone', () => {
    for (const operation of [operationOf('get', 'create'), operationOf('post', 'create', true), operationOf('post', 'search')]) {
      idempotencyConvention(operation);
      expect(operation.operation.parameters).toBeUndefined();
      expect(Object.keys(operation.operation.responses)).toEqual(['201', '401']);
    }
  });
});
