import { registerProblem } from '@crm/platform';
import { CustomerNotFound, PipelineNotFound } from '../application/errors';

/** The one place analytics' errors become RFC 9457 problems. */
export function registerAnalyticsProblems(): void {
  registerProblem(CustomerNotFound, { status: 404, type: 'customer-not-found', title: 'Customer not found' });
  registerProblem(PipelineNotFound, { status: 404, type: 'pipeline-not-found', title: 'Pipeline not found' });
}
