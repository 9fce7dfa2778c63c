import { registerProblem } from '@crm/platform';
import { CustomerNotFound, PipelineNotFound } from '../application/errors';
import { LifetimeValueOverflow } from '../domain/sales-record';

/** The one place analytics' errors become RFC 9457 problems. */
export function registerAnalyticsProblems(): void {
  registerProblem(CustomerNotFound, { status: 404, type: 'customer-not-found', title: 'Customer not found' });
  registerProblem(PipelineNotFound, { status: 404, type: 'pipeline-not-found', title: 'Pipeline not found' });
  // Refused rather than rounded: the sales service keeps each amount exact, a sum of them can pass 2^53 - 1.
  registerProblem(LifetimeValueOverflow, {
    status: 422,
    type: 'amount-overflow',
    title: 'The amount is beyond what can be counted exactly',
  });
}
