/** No event about this customer has reached analytics (an unknown id, or one not projected yet). */
export class CustomerNotFound extends Error {
  override readonly name = 'CustomerNotFound';
  constructor(readonly customerId: string) {
    super(`No customer ${customerId} is known to analytics`);
  }
}

/** A pipeline report names a pipeline analytics has not seen created (an unknown id, or not projected yet). */
export class PipelineNotFound extends Error {
  override readonly name = 'PipelineNotFound';
  constructor(readonly pipelineId: string) {
    super(`No pipeline ${pipelineId} is known to analytics`);
  }
}
