import { ProblemRegistry } from '@crm/platform';
import { WrongExpectedRevisionError } from '../errors';
import { registerConcurrencyProblem } from './concurrency-problem';

describe('registerConcurrencyProblem', () => {
  const registry = new ProblemRegistry();
  registerConcurrencyProblem(registry);
  const conflict = new WrongExpectedRevisionError('deal-1', 3, 5);

  it('turns a stale write into 412 when the client sent If-Match, else 409', () => {
    expect(registry.describe(conflict, { ifMatch: true })).toMatchObject({ status: 412, type: 'precondition-failed' });
    expect(registry.describe(conflict, { ifMatch: false })).toMatchObject({ status: 409, type: 'concurrent-modification' });
  });

  it('does not reveal the stream', () => {
    expect(JSON.stringify(registry.describe(conflict, { ifMatch: false }))).not.toContain('deal-1');
  });
});
