import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { dealAggregate } from '../../domain/deal';
import { orderAggregate, OrderValueRefused, type OrderCommand, type OrderLineRequest } from '../../domain/order';
import { productAggregate, productSnapshot, type ProductSnapshot } from '../../domain/product';
import type { LineDiscountDto, OrderLineDto, RefundLineDto } from '../inputs/order.dto';
import { writtenOrder, type OrderView } from '../sales-views';

export class PlaceOrder extends Command<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly contactId: string,
    readonly dealId: string | undefined,
    readonly currency: string,
    readonly lines: readonly OrderLineDto[],
    readonly now: string,
  ) {
    super();
  }
}

export class PayOrder extends Command<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly now: string,
  ) {
    super();
  }
}

export class FulfillOrder extends Command<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly now: string,
  ) {
    super();
  }
}

export class CancelOrder extends Command<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly reason: string,
    readonly now: string,
  ) {
    super();
  }
}

export class RefundOrder extends Command<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly refundId: string,
    readonly lines: readonly RefundLineDto[],
    readonly reason: string | undefined,
    readonly now: string,
  ) {
    super();
  }
}

/** A line's discount gives both a percentage and an amount, or neither: which one was meant cannot be known. */
export class AmbiguousDiscount extends OrderValueRefused {
  override readonly name = 'AmbiguousDiscount';
  constructor(field: string) {
    super(field, 'give basisPoints or amountMinor, exactly one of them');
  }
}

/** The discount of a line as the domain takes it: one of a percentage or an amount, never both. */
function discountOf(discount: LineDiscountDto | undefined, index: number): OrderLineRequest['discount'] {
  if (discount === undefined) return undefined;
  const { basisPoints, amountMinor } = discount;
  if ((basisPoints === undefined) === (amountMinor === undefined)) {
    throw new AmbiguousDiscount(`lines[${index}].discount`);
  }
  return basisPoints !== undefined ? { basisPoints } : { amountMinor: amountMinor! };
}

const lineRequests = (lines: readonly OrderLineDto[]): OrderLineRequest[] =>
  lines.map(({ lineId = newId(), productId, quantity, unitPriceMinor, discount }, index) => {
    const given = discountOf(discount, index);
    return {
      lineId,
      productId,
      quantity,
      ...(unitPriceMinor !== undefined && { unitPriceMinor }),
      ...(given !== undefined && { discount: given }),
    };
  });

abstract class OrderCommandHandler {
  constructor(@InjectRepository(orderAggregate) private readonly orders: RepositoryOf<typeof orderAggregate>) {}

  protected async run(orderId: string, command: OrderCommand): Promise<Written<OrderView>> {
    return writtenOrder(orderId, await this.orders.handle(orderId, command));
  }
}

/** Places an order priced from the products it names, as they are now (the order keeps their names and prices). */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler extends OrderCommandHandler implements ICommandHandler<PlaceOrder> {
  constructor(
    @InjectRepository(orderAggregate) orders: RepositoryOf<typeof orderAggregate>,
    @InjectRepository(productAggregate) private readonly products: RepositoryOf<typeof productAggregate>,
    @InjectRepository(dealAggregate) private readonly deals: RepositoryOf<typeof dealAggregate>,
  ) {
    super(orders);
  }

  async execute({ orderId, contactId, dealId, currency, lines, now }: PlaceOrder): Promise<Written<OrderView>> {
    const requests = lineRequests(lines);
    const products = await this.snapshots([...new Set(requests.map((line) => line.productId))]);
    const deal = dealId === undefined ? undefined : (await this.deals.load(dealId)).state;
    return this.run(orderId, {
      type: 'PlaceOrder',
      data: {
        orderId,
        contactId,
        ...(dealId !== undefined && { dealId }),
        ...(deal !== undefined && deal.status !== 'none' && { deal: { contactId: deal.contactId, status: deal.status } }),
        currency,
        lines: requests,
        products,
        now,
      },
    });
  }

  /** The products that exist among those named; the domain refuses a line whose product is missing. */
  private async snapshots(productIds: readonly string[]): Promise<ProductSnapshot[]> {
    const loaded = await Promise.all(productIds.map(async (id) => productSnapshot((await this.products.load(id)).state)));
    return loaded.filter((product): product is ProductSnapshot => product !== undefined);
  }
}

@CommandHandler(PayOrder)
export class PayOrderHandler extends OrderCommandHandler implements ICommandHandler<PayOrder> {
  execute({ orderId, now }: PayOrder): Promise<Written<OrderView>> {
    return this.run(orderId, { type: 'PayOrder', data: { orderId, now } });
  }
}

@CommandHandler(FulfillOrder)
export class FulfillOrderHandler extends OrderCommandHandler implements ICommandHandler<FulfillOrder> {
  execute({ orderId, now }: FulfillOrder): Promise<Written<OrderView>> {
    return this.run(orderId, { type: 'FulfillOrder', data: { orderId, now } });
  }
}

@CommandHandler(CancelOrder)
export class CancelOrderHandler extends OrderCommandHandler implements ICommandHandler<CancelOrder> {
  execute({ orderId, reason, now }: CancelOrder): Promise<Written<OrderView>> {
    return this.run(orderId, { type: 'CancelOrder', data: { orderId, reason, now } });
  }
}

@CommandHandler(RefundOrder)
export class RefundOrderHandler extends OrderCommandHandler implements ICommandHandler<RefundOrder> {
  execute({ orderId, refundId, lines, reason, now }: RefundOrder): Promise<Written<OrderView>> {
    const refunded = lines.map(({ lineId, quantity }) => ({ lineId, quantity }));
    return this.run(orderId, {
      type: 'RefundOrder',
      data: { orderId, refundId, lines: refunded, ...(reason !== undefined && { reason }), now },
    });
  }
}
