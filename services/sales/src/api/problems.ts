import { registerProblem, RequestValidationError } from '@crm/platform';
import { SubjectErasedError } from '@crm/privacy';
import { DealAlreadyExists, DealAlreadyOpen, DealClosed, DealNotFound, StageNotInPipeline, StageRetired } from '../domain/deal';
import { ConversionPipelineNotFound } from '../application/commands/leads';
import {
  LeadAlreadyConverted,
  LeadAlreadyExists,
  LeadConversionInProgress,
  LeadDisqualifiedError,
  LeadErasedError,
  LeadHasContact,
  LeadLinkedToAnotherContact,
  LeadNotFound,
  LeadNotQualified,
} from '../domain/lead';
import { AmountOverflow, UnknownCurrency } from '../domain/money';
import {
  DiscountExceedsLine,
  InvalidOrderValue,
  InvalidQuantity,
  NoPriceInCurrency,
  OrderAlreadyExists,
  OrderAlreadyPaid,
  OrderCancelledError,
  OrderDealNotFound,
  OrderDealNotWon,
  OrderDealOfAnotherCustomer,
  OrderFullyRefunded,
  OrderNotFound,
  OrderNotPaid,
  OrderValueRefused,
  PaidOrderNotCancellable,
} from '../domain/order';
import { InvalidPipelineStages, PipelineAlreadyExists, PipelineNotFound } from '../domain/pipeline';
import { InvalidProductData, ProductAlreadyExists, ProductNotFound, ProductRetiredError } from '../domain/product';

/** A 422 that points at the one request value the rule refuses. */
const refusedValue = (type: string, title: string, field: string, message: string) => ({
  status: 422,
  type,
  title,
  detail: message,
  errors: [{ field, messages: [message], in: 'body' as const }],
});

/** A 400 naming each value of the wrong shape, as the request validation names its own. */
const invalidValues = (problems: readonly { field: string; message: string }[]) =>
  new RequestValidationError(problems.map(({ field, message }) => ({ field, messages: [message], in: 'body' as const }))).problem;

/** The one place the sales domain's errors become RFC 9457 problems. */
export function registerSalesProblems(): void {
  registerProblem(PipelineNotFound, { status: 404, type: 'pipeline-not-found', title: 'Pipeline not found' });
  registerProblem(PipelineAlreadyExists, { status: 409, type: 'pipeline-already-exists', title: 'Pipeline already exists' });
  registerProblem(InvalidPipelineStages, (error) =>
    refusedValue('invalid-pipeline-stages', 'These stages cannot make a pipeline', 'stages', error.problems.join('; ')),
  );

  registerProblem(DealNotFound, { status: 404, type: 'deal-not-found', title: 'Deal not found' });
  registerProblem(DealAlreadyExists, { status: 409, type: 'deal-already-exists', title: 'Deal already exists' });
  registerProblem(DealClosed, (error) => ({
    status: 409,
    type: 'deal-closed',
    title: 'The deal is won or lost: reopen it first',
    detail: error.message,
    extensions: { outcome: error.outcome },
  }));
  registerProblem(DealAlreadyOpen, { status: 409, type: 'deal-already-open', title: 'The deal is open' });
  registerProblem(StageNotInPipeline, (error) =>
    refusedValue('stage-not-in-pipeline', 'The stage is not one of the pipeline’s', 'stageId', error.message),
  );
  registerProblem(StageRetired, (error) =>
    refusedValue('stage-retired', 'The stage is retired: no deal can enter it', 'stageId', error.message),
  );

  registerProblem(ProductNotFound, { status: 404, type: 'product-not-found', title: 'Product not found' });
  registerProblem(ProductAlreadyExists, (error) => ({
    status: 409,
    type: 'product-already-exists',
    title: 'A product with this SKU exists already',
    detail: error.message,
    errors: [{ field: 'sku', messages: [error.message], in: 'body' as const }],
    extensions: { productId: error.productId },
  }));
  registerProblem(ProductRetiredError, { status: 409, type: 'product-retired', title: 'The product is retired' });
  // What is left for the domain once the request is valid: a currency priced twice, a name blank once trimmed.
  registerProblem(InvalidProductData, (error) => ({
    status: 422,
    type: 'invalid-product',
    title: 'The catalog’s rules refuse a value',
    detail: error.message,
    errors: error.problems.map(({ field, message }) => ({ field, messages: [message], in: 'body' as const })),
  }));

  registerProblem(OrderNotFound, { status: 404, type: 'order-not-found', title: 'Order not found' });
  // A won deal produces an order: the deal it names must exist, be won, and be the order's customer's.
  registerProblem(OrderDealNotFound, (error) =>
    refusedValue('order-deal-not-found', 'No deal has this id', 'dealId', error.message),
  );
  registerProblem(OrderDealNotWon, (error) =>
    refusedValue('order-deal-not-won', 'Only a won deal produces an order', 'dealId', error.message),
  );
  registerProblem(OrderDealOfAnotherCustomer, (error) =>
    refusedValue('order-deal-of-another-customer', 'The deal is with another customer', 'dealId', error.message),
  );
  registerProblem(OrderAlreadyExists, { status: 409, type: 'order-already-exists', title: 'Order already exists' });
  registerProblem(OrderAlreadyPaid, { status: 409, type: 'order-already-paid', title: 'The order is paid already' });
  registerProblem(OrderNotPaid, { status: 409, type: 'order-not-paid', title: 'The order is not paid' });
  registerProblem(OrderCancelledError, { status: 409, type: 'order-cancelled', title: 'The order was cancelled' });
  registerProblem(PaidOrderNotCancellable, {
    status: 409,
    type: 'paid-order-not-cancellable',
    title: 'A paid order is refunded, not cancelled',
  });
  registerProblem(OrderFullyRefunded, { status: 409, type: 'order-refunded', title: 'The order was refunded in full' });
  // Values of the wrong shape are a bad request; values the order's rules refuse (an unknown or retired product, a
  // discount above the line, a refund above what is left) are well formed and unprocessable.
  registerProblem(InvalidOrderValue, (error) => invalidValues([{ field: error.field, message: error.message }]));
  registerProblem(InvalidQuantity, (error) => invalidValues([{ field: error.field, message: error.message }]));
  registerProblem(OrderValueRefused, (error) =>
    refusedValue('order-value-refused', 'The order’s rules refuse a value', error.field, error.message),
  );
  registerProblem(NoPriceInCurrency, (error) =>
    refusedValue('no-price-in-currency', 'The product has no price in the order’s currency', error.field, error.message),
  );
  registerProblem(DiscountExceedsLine, (error) =>
    refusedValue('discount-exceeds-line', 'The discount is more than the line', error.field, error.message),
  );

  registerProblem(LeadNotFound, { status: 404, type: 'lead-not-found', title: 'Lead not found' });
  registerProblem(LeadAlreadyExists, { status: 409, type: 'lead-already-exists', title: 'Lead already exists' });
  // Gone for good: the person's data was erased (here, or with the contact the lead became).
  registerProblem(LeadErasedError, { status: 410, type: 'lead-erased', title: 'The lead’s personal data was erased' });
  // A new lead under the id of a person erased before (a contact's, or a lead's): the key cannot be made again.
  registerProblem(SubjectErasedError, {
    status: 410,
    type: 'subject-erased',
    title: 'The personal data of this id was erased: it cannot hold personal data again',
  });
  registerProblem(LeadNotQualified, { status: 409, type: 'lead-not-qualified', title: 'Only a qualified lead is converted' });
  registerProblem(LeadDisqualifiedError, {
    status: 409,
    type: 'lead-disqualified',
    title: 'The lead is disqualified: qualify it again first',
  });
  registerProblem(LeadAlreadyConverted, (error) => ({
    status: 409,
    type: 'lead-converted',
    title: 'The lead was converted',
    detail: error.message,
    extensions: { contactId: error.contactId },
  }));
  registerProblem(LeadConversionInProgress, (error) => ({
    status: 409,
    type: 'lead-conversion-in-progress',
    title: 'The lead is being converted: wait for it to complete or fail',
    detail: error.message,
    extensions: { attempt: error.attempt },
  }));
  registerProblem(LeadHasContact, (error) => ({
    status: 409,
    type: 'lead-has-contact',
    title: 'The person is a contact now: erase the contact instead',
    detail: error.message,
    extensions: { contactId: error.contactId },
  }));
  registerProblem(LeadLinkedToAnotherContact, (error) => ({
    ...refusedValue(
      'lead-linked-to-another-contact',
      'The lead is linked to another contact already',
      'contactId',
      error.message,
    ),
    extensions: { contactId: error.contactId },
  }));
  registerProblem(ConversionPipelineNotFound, (error) =>
    refusedValue('conversion-pipeline-not-found', 'No pipeline has this id: the deal cannot open', 'pipelineId', error.message),
  );

  // Which request field holds the currency or amount depends on the route: the request validation refuses an unknown
  // currency first (naming it); what is left here is a sum the domain computed, named by `what`.
  registerProblem(UnknownCurrency, (error) =>
    refusedValue('unknown-currency', 'Not an ISO 4217 currency in use', 'currency', error.message),
  );
  registerProblem(AmountOverflow, (error) =>
    refusedValue('amount-overflow', 'The amount is beyond what can be counted exactly', error.what, error.message),
  );
}
