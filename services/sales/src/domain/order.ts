import type { Aggregate, Decider } from '@crm/eventsourcing';
import {
  MAX_DISCOUNT_BASIS_POINTS,
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  type LineDiscount,
  type OrderEvent,
  type OrderLine,
  type OrderStatus,
  type RefundLine,
} from '@crm/contracts';
import { isCurrencyInUse, share, split, sum, times, UnknownCurrency } from './money';
import type { ProductSnapshot } from './product';

/**
 * An order of a customer. Its life: placed → paid → fulfilled. A placed order can be cancelled; a paid one (fulfilled
 * or not) is not cancelled but refunded, by line and unit. Refunding every unit makes it `refunded`; a partial refund
 * keeps its status and shows in `refundedMinor`.
 */
export type Order = { status: 'none' } | PlacedOrder;

/** What the rules need of a line: its units, its total and how many units were refunded. */
export interface OrderLineState {
  lineId: string;
  quantity: number;
  totalMinor: number;
  refundedQuantity: number;
}

export interface PlacedOrder {
  status: OrderStatus;
  orderId: string;
  contactId: string;
  /** The won deal it came of, if any. */
  dealId?: string;
  currency: string;
  totalMinor: number;
  lines: OrderLineState[];
  refundedMinor: number;
  /** Refunds recorded, so that a retried refund refunds nothing more. */
  refundIds: ReadonlySet<string>;
  fulfilled: boolean;
}

/** A line as a client asks for it; prices and totals are the domain's to compute. */
export interface OrderLineRequest {
  lineId: string;
  productId: string;
  quantity: number;
  /** The unit price agreed for this order; the product's price in the order's currency when absent. */
  unitPriceMinor?: number;
  discount?: LineDiscount;
}

export type OrderCommand =
  | {
      type: 'PlaceOrder';
      data: {
        orderId: string;
        contactId: string;
        dealId?: string;
        /** The deal `dealId` names, as the handler loaded it; absent: no such deal. */
        deal?: DealSnapshot;
        currency: string;
        lines: readonly OrderLineRequest[];
        /** The products the lines name, as the handler loaded them; a product missing here does not exist. */
        products: readonly ProductSnapshot[];
        now: string;
      };
    }
  | { type: 'PayOrder'; data: { orderId: string; now: string } }
  | { type: 'FulfillOrder'; data: { orderId: string; now: string } }
  | { type: 'CancelOrder'; data: { orderId: string; reason: string; now: string } }
  | {
      type: 'RefundOrder';
      data: {
        orderId: string;
        refundId: string;
        lines: readonly { lineId: string; quantity: number }[];
        reason?: string;
        now: string;
      };
    };

export class OrderNotFound extends Error {
  override readonly name = 'OrderNotFound';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} does not exist`);
  }
}

/** What an order needs to know of the deal it comes of. */
export interface DealSnapshot {
  contactId: string;
  status: 'open' | 'won' | 'lost';
}

/** An order names a deal that does not exist. */
export class OrderDealNotFound extends Error {
  override readonly name = 'OrderDealNotFound';
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} does not exist`);
  }
}

/** Only a won deal produces an order. */
export class OrderDealNotWon extends Error {
  override readonly name = 'OrderDealNotWon';
  constructor(
    readonly dealId: string,
    readonly status: DealSnapshot['status'],
  ) {
    super(`Deal ${dealId} is ${status}: only a won deal produces an order`);
  }
}

/** The deal is another customer's than the order's. */
export class OrderDealOfAnotherCustomer extends Error {
  override readonly name = 'OrderDealOfAnotherCustomer';
  constructor(
    readonly dealId: string,
    readonly dealContactId: string,
  ) {
    super(`Deal ${dealId} is with customer ${dealContactId}, not with the order's customer`);
  }
}

/** An order comes of a deal only when that deal is won, and is for the deal's customer. */
function ofWonDeal(dealId: string, contactId: string, deal: DealSnapshot | undefined): void {
  if (deal === undefined) throw new OrderDealNotFound(dealId);
  if (deal.status !== 'won') throw new OrderDealNotWon(dealId, deal.status);
  if (deal.contactId !== contactId) throw new OrderDealOfAnotherCustomer(dealId, deal.contactId);
}

export class OrderAlreadyExists extends Error {
  override readonly name = 'OrderAlreadyExists';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} already exists`);
  }
}

export class OrderAlreadyPaid extends Error {
  override readonly name = 'OrderAlreadyPaid';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} is paid already`);
  }
}

/** Fulfilling or refunding needs a paid order. */
export class OrderNotPaid extends Error {
  override readonly name = 'OrderNotPaid';
  constructor(
    readonly orderId: string,
    readonly refused: 'fulfilled' | 'refunded',
  ) {
    super(`Order ${orderId} is not paid, so it cannot be ${refused}`);
  }
}

export class OrderCancelledError extends Error {
  override readonly name = 'OrderCancelledError';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was cancelled and cannot change`);
  }
}

/** Money was taken: it goes back through a refund, which says what for. */
export class PaidOrderNotCancellable extends Error {
  override readonly name = 'PaidOrderNotCancellable';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} is paid: refund it instead of cancelling it`);
  }
}

export class OrderFullyRefunded extends Error {
  override readonly name = 'OrderFullyRefunded';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was refunded in full`);
  }
}

/**
 * A refusal caused by one value of the command, named by its path there (`lines[2].quantity`), so that the API can
 * point at it. The subclasses say what is wrong with it.
 */
export abstract class OrderValueRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A value of the wrong shape: a line count, a repeated line, a price or discount that is no whole amount, a blank reason. */
export class InvalidOrderValue extends OrderValueRefused {
  override readonly name = 'InvalidOrderValue';
}

export class InvalidQuantity extends OrderValueRefused {
  override readonly name = 'InvalidQuantity';
  constructor(
    field: string,
    readonly quantity: number,
  ) {
    super(field, `${quantity} is not a whole number of units from 1 to ${MAX_LINE_QUANTITY.toLocaleString('en')}`);
  }
}

/** The line names a product that does not exist. */
export class UnknownProduct extends OrderValueRefused {
  override readonly name = 'UnknownProduct';
  constructor(
    field: string,
    readonly productId: string,
  ) {
    super(field, `product ${productId} does not exist`);
  }
}

export class RetiredProductOrdered extends OrderValueRefused {
  override readonly name = 'RetiredProductOrdered';
  constructor(
    field: string,
    readonly productId: string,
    readonly sku: string,
  ) {
    super(field, `product ${sku} is retired and cannot be ordered`);
  }
}

/** The line gives no unit price and the product has none in the order's currency. */
export class NoPriceInCurrency extends OrderValueRefused {
  override readonly name = 'NoPriceInCurrency';
  constructor(
    field: string,
    readonly sku: string,
    readonly currency: string,
  ) {
    super(field, `product ${sku} has no price in ${currency}; give the line a unit price`);
  }
}

export class DiscountExceedsLine extends OrderValueRefused {
  override readonly name = 'DiscountExceedsLine';
  constructor(field: string, subtotalMinor: number) {
    super(field, `the discount is more than the line's subtotal of ${subtotalMinor} minor units`);
  }
}

/** A refund names a line the order does not have. */
export class UnknownOrderLine extends OrderValueRefused {
  override readonly name = 'UnknownOrderLine';
  constructor(
    field: string,
    readonly lineId: string,
  ) {
    super(field, `the order has no line ${lineId}`);
  }
}

export class RefundExceedsLine extends OrderValueRefused {
  override readonly name = 'RefundExceedsLine';
  constructor(
    field: string,
    readonly lineId: string,
    readonly quantity: number,
    readonly refundable: number,
  ) {
    super(field, `${quantity} units asked, ${refundable} of line ${lineId} left to refund`);
  }
}

const isQuantity = (quantity: number): boolean => Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY;
const isMinorAmount = (amount: number): boolean => Number.isSafeInteger(amount) && amount >= 0;

const MAX_REASON_LENGTH = 200;

/** A reason as recorded: trimmed, 1 to 200 characters. */
function reasonOf(reason: string, field: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_REASON_LENGTH) {
    throw new InvalidOrderValue(field, `must be 1 to ${MAX_REASON_LENGTH} characters, not blank`);
  }
  return trimmed;
}

/** The discount as recorded (only its own field) and the minor units it takes off the line's subtotal. */
function discountOf(
  discount: LineDiscount | undefined,
  subtotalMinor: number,
  field: string,
): { discount?: LineDiscount; discountMinor: number } {
  if (discount === undefined) return { discountMinor: 0 };
  if ('basisPoints' in discount) {
    const { basisPoints } = discount;
    if (!Number.isInteger(basisPoints) || basisPoints < 0) {
      throw new InvalidOrderValue(`${field}.basisPoints`, 'must be a whole number of basis points, from 0');
    }
    if (basisPoints > MAX_DISCOUNT_BASIS_POINTS) throw new DiscountExceedsLine(`${field}.basisPoints`, subtotalMinor);
    return { discount: { basisPoints }, discountMinor: share(subtotalMinor, basisPoints) };
  }
  const { amountMinor } = discount;
  if (!isMinorAmount(amountMinor))
    throw new InvalidOrderValue(`${field}.amountMinor`, 'must be a whole number of minor units, from 0');
  if (amountMinor > subtotalMinor) throw new DiscountExceedsLine(`${field}.amountMinor`, subtotalMinor);
  return { discount: { amountMinor }, discountMinor: amountMinor };
}

/** A line as the order records it, and its subtotal before the discount (which the order adds up, not the line). */
interface PricedLine {
  line: OrderLine;
  subtotalMinor: number;
}

/** One line priced: the agreed unit price or the product's in the currency, times the quantity, less the discount. */
function priceLine(
  request: OrderLineRequest,
  index: number,
  currency: string,
  products: ReadonlyMap<string, ProductSnapshot>,
): PricedLine {
  const path = `lines[${index}]`;
  const { lineId, productId, quantity } = request;
  if (!isQuantity(quantity)) throw new InvalidQuantity(`${path}.quantity`, quantity);
  const product = products.get(productId);
  if (!product) throw new UnknownProduct(`${path}.productId`, productId);
  if (!product.active) throw new RetiredProductOrdered(`${path}.productId`, productId, product.sku);
  const unitPriceMinor = request.unitPriceMinor ?? product.prices.find((price) => price.currency === currency)?.amountMinor;
  if (unitPriceMinor === undefined) throw new NoPriceInCurrency(`${path}.unitPriceMinor`, product.sku, currency);
  if (!isMinorAmount(unitPriceMinor)) {
    throw new InvalidOrderValue(`${path}.unitPriceMinor`, 'must be a whole number of minor units, from 0');
  }
  const subtotalMinor = times(unitPriceMinor, quantity, path);
  const { discount, discountMinor } = discountOf(request.discount, subtotalMinor, `${path}.discount`);
  const { sku, name } = product;
  // 0 ≤ discountMinor ≤ subtotalMinor (checked, or a share of at most the whole): the difference is exact.
  const totalMinor = subtotalMinor - discountMinor;
  return {
    line: { lineId, productId, sku, name, quantity, unitPriceMinor, ...(discount && { discount }), discountMinor, totalMinor },
    subtotalMinor,
  };
}

function priceLines(requests: readonly OrderLineRequest[], currency: string, products: readonly ProductSnapshot[]): PricedLine[] {
  if (requests.length < 1 || requests.length > MAX_ORDER_LINES) {
    throw new InvalidOrderValue('lines', `an order has 1 to ${MAX_ORDER_LINES} lines`);
  }
  const lineIds = new Set<string>();
  requests.forEach(({ lineId }, index) => {
    if (lineIds.has(lineId)) throw new InvalidOrderValue(`lines[${index}].lineId`, 'is the id of another line of the order');
    lineIds.add(lineId);
  });
  const byId = new Map(products.map((product) => [product.productId, product]));
  return requests.map((request, index) => priceLine(request, index, currency, byId));
}

/**
 * What refunding `quantity` more units of a line gives back: its price per unit after the discount, rounded down,
 * for each unit, and the remainder with the line's last unit, so that refunding every unit gives back its total.
 */
export function refundOfUnits(line: OrderLineState, quantity: number, what: string): number {
  const { partMinor, remainderMinor } = split(line.totalMinor, line.quantity);
  const refundsLastUnit = line.refundedQuantity + quantity === line.quantity;
  return sum([times(partMinor, quantity, what), refundsLastUnit ? remainderMinor : 0], what);
}

/** Every unit of every line was refunded: the order's status becomes `refunded`. */
export const isFullyRefunded = (lines: readonly Pick<OrderLineState, 'quantity' | 'refundedQuantity'>[]): boolean =>
  lines.every((line) => line.refundedQuantity === line.quantity);

function refundLines(order: PlacedOrder, requests: readonly { lineId: string; quantity: number }[]): RefundLine[] {
  if (requests.length < 1 || requests.length > MAX_ORDER_LINES) {
    throw new InvalidOrderValue('lines', `a refund names 1 to ${MAX_ORDER_LINES} lines`);
  }
  const lines = new Map(order.lines.map((line) => [line.lineId, line]));
  const named = new Set<string>();
  return requests.map(({ lineId, quantity }, index) => {
    const path = `lines[${index}]`;
    const line = lines.get(lineId);
    if (!line) throw new UnknownOrderLine(`${path}.lineId`, lineId);
    if (named.has(lineId)) throw new InvalidOrderValue(`${path}.lineId`, 'names a line named before: one entry per line');
    named.add(lineId);
    if (!isQuantity(quantity)) throw new InvalidQuantity(`${path}.quantity`, quantity);
    const refundable = line.quantity - line.refundedQuantity;
    if (quantity > refundable) throw new RefundExceedsLine(`${path}.quantity`, lineId, quantity, refundable);
    return { lineId, quantity, amountMinor: refundOfUnits(line, quantity, `${path}.amountMinor`) };
  });
}

function existing(state: Order, orderId: string): PlacedOrder {
  if (state.status === 'none') throw new OrderNotFound(orderId);
  return state;
}

export function decide(command: OrderCommand, state: Order): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder': {
      const { orderId, contactId, dealId, currency, products, now } = command.data;
      if (state.status !== 'none') throw new OrderAlreadyExists(orderId);
      if (!isCurrencyInUse(currency)) throw new UnknownCurrency(currency);
      if (dealId !== undefined) ofWonDeal(dealId, contactId, command.data.deal);
      const priced = priceLines(command.data.lines, currency, products);
      const lines = priced.map(({ line }) => line);
      const data = {
        orderId,
        contactId,
        ...(dealId !== undefined && { dealId }),
        currency,
        lines,
        subtotalMinor: sum(
          priced.map((line) => line.subtotalMinor),
          'subtotalMinor',
        ),
        discountMinor: sum(
          lines.map((line) => line.discountMinor),
          'discountMinor',
        ),
        totalMinor: sum(
          lines.map((line) => line.totalMinor),
          'totalMinor',
        ),
        at: now,
      };
      return [{ type: 'OrderPlaced', data }];
    }
    case 'PayOrder': {
      const order = existing(state, command.data.orderId);
      if (order.status === 'cancelled') throw new OrderCancelledError(order.orderId);
      if (order.status !== 'placed') throw new OrderAlreadyPaid(order.orderId);
      const { orderId, contactId, totalMinor, currency } = order;
      return [{ type: 'OrderPaid', data: { orderId, contactId, amountMinor: totalMinor, currency, at: command.data.now } }];
    }
    case 'FulfillOrder': {
      const order = existing(state, command.data.orderId);
      if (order.status === 'cancelled') throw new OrderCancelledError(order.orderId);
      if (order.status === 'placed') throw new OrderNotPaid(order.orderId, 'fulfilled');
      if (order.fulfilled) return [];
      if (order.status === 'refunded') throw new OrderFullyRefunded(order.orderId);
      const { orderId, contactId } = order;
      return [{ type: 'OrderFulfilled', data: { orderId, contactId, at: command.data.now } }];
    }
    case 'CancelOrder': {
      const order = existing(state, command.data.orderId);
      if (order.status === 'cancelled') return [];
      if (order.status !== 'placed') throw new PaidOrderNotCancellable(order.orderId);
      const { orderId, contactId } = order;
      const reason = reasonOf(command.data.reason, 'reason');
      return [{ type: 'OrderCancelled', data: { orderId, contactId, reason, at: command.data.now } }];
    }
    case 'RefundOrder': {
      const { refundId, reason, now } = command.data;
      const order = existing(state, command.data.orderId);
      // A retried refund: the first one stands, whatever this one asks.
      if (order.refundIds.has(refundId)) return [];
      if (order.status === 'cancelled') throw new OrderCancelledError(order.orderId);
      if (order.status === 'placed') throw new OrderNotPaid(order.orderId, 'refunded');
      if (order.status === 'refunded') throw new OrderFullyRefunded(order.orderId);
      const lines = refundLines(order, command.data.lines);
      const { orderId, contactId, currency } = order;
      const data = {
        orderId,
        contactId,
        refundId,
        lines,
        amountMinor: sum(
          lines.map((line) => line.amountMinor),
          'amountMinor',
        ),
        currency,
        ...(reason !== undefined && { reason: reasonOf(reason, 'reason') }),
        at: now,
      };
      return [{ type: 'OrderRefunded', data }];
    }
  }
}

export function evolve(state: Order, event: OrderEvent): Order {
  if (event.type === 'OrderPlaced') {
    const { orderId, contactId, dealId, currency, totalMinor, lines } = event.data;
    return {
      status: 'placed',
      orderId,
      contactId,
      ...(dealId !== undefined && { dealId }),
      currency,
      totalMinor,
      lines: lines.map(({ lineId, quantity, totalMinor }) => ({ lineId, quantity, totalMinor, refundedQuantity: 0 })),
      refundedMinor: 0,
      refundIds: new Set<string>(),
      fulfilled: false,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'OrderPaid':
      return { ...state, status: 'paid' };
    case 'OrderFulfilled':
      return { ...state, status: 'fulfilled', fulfilled: true };
    case 'OrderCancelled':
      return { ...state, status: 'cancelled' };
    case 'OrderRefunded': {
      const refunded = new Map(event.data.lines.map((line) => [line.lineId, line.quantity]));
      const lines = state.lines.map((line) => ({
        ...line,
        refundedQuantity: line.refundedQuantity + (refunded.get(line.lineId) ?? 0),
      }));
      return {
        ...state,
        status: isFullyRefunded(lines) ? 'refunded' : state.status,
        lines,
        refundedMinor: sum([state.refundedMinor, event.data.amountMinor], 'refundedMinor'),
        refundIds: new Set([...state.refundIds, event.data.refundId]),
      };
    }
  }
}

export const orderDecider: Decider<Order, OrderCommand, OrderEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const orderAggregate: Aggregate<Order, OrderCommand, OrderEvent> = {
  name: 'order',
  decider: orderDecider,
};
