import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { AuthenticationError, MissingRoleError, RequestValidationError } from '../../problems/platform-errors';
import { ProblemError, problemType, PROBLEM_BASE_URI } from '../../problems/problem';
import { ProblemRegistry } from '../../problems/problem-registry';
import { toProblem } from './to-problem';

class DealNotFound extends Error {
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} does not exist`);
  }
}
class ArchivedDealNotFound extends DealNotFound {}
class StageSkipped extends Error {}

const noIfMatch = { ifMatch: false };

describe('toProblem', () => {
  const registry = new ProblemRegistry()
    .register(DealNotFound, {
      status: 404,
      type: 'deal-not-found',
      title: 'Deal not found',
      extensions: (e) => ({ dealId: e.dealId }),
    })
    .register(StageSkipped, (_error, request) => ({
      status: request.ifMatch ? 412 : 422,
      type: 'stage-skipped',
      title: 'Stage skipped',
    }));

  it('maps registered domain errors, with the message as detail and extensions', () => {
    expect(toProblem(new DealNotFound('d-1'), noIfMatch, registry)).toEqual({
      problem: {
        status: 404,
        type: 'deal-not-found',
        title: 'Deal not found',
        detail: 'Deal d-1 does not exist',
        extensions: { dealId: 'd-1' },
      },
      unexpected: false,
    });
  });

  it('maps subclasses through their registered ancestor', () => {
    expect(toProblem(new ArchivedDealNotFound('d-2'), noIfMatch, registry).problem.type).toBe('deal-not-found');
  });

  it('lets a mapping depend on the request', () => {
    expect(toProblem(new StageSkipped(), noIfMatch, registry).problem.status).toBe(422);
    expect(toProblem(new StageSkipped(), { ifMatch: true }, registry).problem.status).toBe(412);
  });

  it('keeps the problem that platform errors carry', () => {
    const validation = new RequestValidationError([{ field: 'emails[0].address', messages: ['address must be an email'] }]);
    expect(toProblem(validation, noIfMatch, registry).problem).toMatchObject({
      status: 400,
      type: 'validation',
      errors: [{ field: 'emails[0].address', messages: ['address must be an email'] }],
    });
    expect(toProblem(new AuthenticationError('expired'), noIfMatch, registry).problem.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="crm", error="invalid_token", error_description="The bearer token has expired."',
    });
    expect(toProblem(new MissingRoleError(['sales']), noIfMatch, registry).problem.status).toBe(403);
  });

  it('maps Nest HttpExceptions by status, with their message as detail', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'), noIfMatch, registry).problem).toMatchObject({
      status: 404,
      type: 'not-found',
      detail: 'Cannot GET /nope',
    });
    expect(toProblem(new BadRequestException(['a is bad', 'b is bad']), noIfMatch, registry).problem.detail).toBe(
      'a is bad; b is bad',
    );
    expect(toProblem(new ForbiddenException(), noIfMatch, registry).problem.type).toBe('forbidden');
    expect(toProblem(new HttpException('slow down', 429), noIfMatch, registry).problem.type).toBe('too-many-requests');
    expect(toProblem(new HttpException('teapot', 418), noIfMatch, registry).problem).toMatchObject({
      type: 'about:blank',
      title: 'HTTP 418',
    });
    expect(toProblem(new HttpException('x', 401), noIfMatch, registry).problem.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="crm"',
    });
  });

  it('maps http-errors (body-parser and friends), exposing only exposable messages', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(toProblem(tooLarge, noIfMatch, registry).problem).toMatchObject({ status: 413, detail: 'request entity too large' });
    const hidden = Object.assign(new Error('internal'), { status: 400, expose: false });
    expect(toProblem(hidden, noIfMatch, registry).problem.detail).toBeUndefined();
  });

  it('answers anything else with a 500 that reveals nothing, flagged for logging', () => {
    for (const error of [
      new Error('password=hunter2'),
      new TypeError('x is undefined'),
      'a string',
      undefined,
      new HttpException('db down', 500),
    ]) {
      const outcome = toProblem(error, noIfMatch, registry);
      expect(outcome.unexpected).toBe(true);
      expect(outcome.problem).toMatchObject({ status: 500, type: 'internal' });
      expect(JSON.stringify(outcome.problem)).not.toMatch(/hunter2|undefined|db down/);
    }
    expect(toProblem(new ServiceUnavailableException('draining'), noIfMatch, registry)).toMatchObject({
      problem: { status: 503, type: 'service-unavailable' },
      unexpected: false,
    });
  });

  it('answers a server out of reach with 503 and Retry-After, revealing nothing of it, flagged for logging', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    const outcome = toProblem(refused, noIfMatch, registry);
    expect(outcome).toMatchObject({
      problem: { status: 503, type: 'dependency-unavailable', headers: { 'Retry-After': '5' } },
      unexpected: true,
    });
    expect(JSON.stringify(outcome.problem)).not.toMatch(/10\.0\.0\.7|ECONNREFUSED/);
  });

  it('lets a service throw a ProblemError directly', () => {
    const error = new ProblemError({ status: 428, type: 'if-match-required', title: 'If-Match is required' });
    expect(toProblem(error, noIfMatch, registry).problem.type).toBe('if-match-required');
  });
});

describe('problemType', () => {
  it('resolves slugs under the base URI and keeps absolute URIs', () => {
    expect(problemType('validation')).toBe(`${PROBLEM_BASE_URI}validation`);
    expect(problemType('about:blank')).toBe('about:blank');
    expect(problemType('https://example.org/p/x')).toBe('https://example.org/p/x');
  });
});
