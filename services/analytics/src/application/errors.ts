/** No event about this customer has reached analytics (an unknown id, or one not projected yet). */
export class CustomerNotFound extends Error {
  override readonly name = 'CustomerNotFound';
  constructor(readonly customerId: string) {
    super(`No customer ${customerId} is known to analytics`);
  }
}
