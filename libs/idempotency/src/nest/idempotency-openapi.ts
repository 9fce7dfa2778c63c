import { addHeaderParameter, addProblem, addResponseHeader, RESPONSE_HEADERS, type OpenApiConvention } from '@crm/platform/nest';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../idempotency-key';
import { SKIP_IDEMPOTENCY } from './skip-idempotency.decorator';

/** Answered before the interceptor runs (authentication, the body's size and type, Node's header limit): never replayed. */
const BEFORE_THE_INTERCEPTOR = ['401', '403', '413', '415', '431'];

/**
 * What IdempotencyInterceptor does to an operation, for its OpenAPI document: every authenticated POST (unless
 * @SkipIdempotency()) reads `Idempotency-Key`, may answer 409, 410 or 422 for it, and marks a repeated answer
 * `Idempotent-Replayed`. The service kit adds it wherever it installs the interceptor.
 */
export const idempotencyConvention: OpenApiConvention = ({ method, operation, route, isPublic }) => {
  if (method !== 'post' || isPublic) return;
  if (route && [route.handler, route.controller].some((target) => Reflect.getMetadata(SKIP_IDEMPOTENCY, target) === true)) return;
  addHeaderParameter(operation, {
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'Makes a retry harmless: a request repeated with the same key (by the same caller, within 24 h) gets the first answer again, and does nothing more.',
    // Visible ASCII (a UUID is a good key), bare or as a quoted string; a quoted empty key is none.
    schema: { type: 'string', pattern: '^(?!""$)[!-~]{1,255}$', example: '5b7c2f1e-8d3a-4f3c-9a51-0e2d4c6b8a97' },
  });
  addProblem(operation, 409, 'A request with this Idempotency-Key is still in progress: retry after the time given', {
    [RESPONSE_HEADERS.retryAfter.name]: { ...RESPONSE_HEADERS.retryAfter.header, required: false },
  });
  addProblem(operation, 410, 'The first answer to this Idempotency-Key held personal data that has since been erased');
  addProblem(operation, 422, 'This Idempotency-Key was first used for another request');
  addResponseHeader(
    operation,
    IDEMPOTENT_REPLAYED_HEADER,
    {
      description: '`true`: this is the stored answer to an earlier request with the same Idempotency-Key.',
      required: false,
      schema: { type: 'string', enum: ['true'] },
    },
    (status) => !BEFORE_THE_INTERCEPTOR.includes(status),
  );
};
