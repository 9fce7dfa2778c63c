import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, ParseIdPipe } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond, type HistoryEntry } from '@crm/service-kit';
import { now } from '@crm/platform';
import { CancelOrder, FulfillOrder, PayOrder, PlaceOrder, RefundOrder } from '../application/commands/orders';
import { CancelOrderDto, PlaceOrderDto, RefundOrderDto } from '../application/inputs/order.dto';
import { PurchaseHistory } from '../application/queries/sales-queries';
import { GetHistory, GetOne } from '../application/queries/aggregate-reads';
import { orderAggregate, OrderNotFound } from '../domain/order';
import { purchaseHistoryQuery, type PurchaseHistoryEntry } from '../application/read-models/purchase-history';
import { writtenOrder, type OrderView } from '../application/sales-views';
import { AsOfQuery, asOfTime } from './as-of.query';
import { history, orderView, purchase } from './views';

const ApiOrderNotFound = () => ApiProblemResponse(404, 'No order has this id');
const ApiOrderState = (refused: string) => ApiProblemResponse(409, refused);

const uuid = new ParseIdPipe();

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Place an order',
    description:
      "Lines priced from the products as they are now (or the unit price given), in integer minor units of `currency`, less each line's discount. Give `orderId` (a UUID) to make a retried order harmless: the second one is a 409. With `dealId`, the order comes of that deal, which must be won and with the same customer.",
  })
  @ApiResponds(orderView, { status: 201, location: true })
  @ApiProblemResponse(409, 'An order with this orderId exists already')
  @ApiProblemResponse(
    422,
    'A line names a product that does not exist, is retired or has no price in the currency, a discount above its line, amounts beyond what can be counted exactly, or a deal that does not exist, is not won or is with another customer',
  )
  async place(@Body() body: PlaceOrderDto, @Res({ passthrough: true }) response: Response): Promise<OrderView> {
    const { orderId = newId(), contactId, dealId, currency, lines } = body;
    const written = await this.commands.execute(new PlaceOrder(orderId, contactId, dealId, currency, lines, now()));
    return respond(response, written, { status: 201, location: `/v1/orders/${orderId}` });
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get an order', description: 'The order now, or as it was at `asOf`.' })
  @ApiResponds(orderView)
  @ApiOrderNotFound()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    return respond(response, await this.queries.execute(new GetOne(orderAggregate, writtenOrder, id, asOfTime(query))));
  }
  @Get(':id/history')
  @Access('read')
  @ApiOperation({ summary: "An order's history", description: 'Every change: who, when, which fields, old and new values.' })
  @ApiJsonResponse(200, history)
  @ApiOrderNotFound()
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: await this.queries.execute(new GetHistory(orderAggregate, id, (missing) => new OrderNotFound(missing))) };
  }

  @Post(':id/pay')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Record an order paid in full' })
  @ApiResponds(orderView)
  @ApiOrderNotFound()
  @ApiOrderState('The order is paid already or cancelled')
  async pay(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<OrderView> {
    return respond(response, await this.commands.execute(new PayOrder(id, now())));
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Record a paid order fulfilled' })
  @ApiResponds(orderView)
  @ApiOrderNotFound()
  @ApiOrderState('The order is not paid, cancelled or refunded in full')
  async fulfil(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<OrderView> {
    return respond(response, await this.commands.execute(new FulfillOrder(id, now())));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Cancel an unpaid order', description: 'A paid order is refunded instead.' })
  @ApiResponds(orderView)
  @ApiOrderNotFound()
  @ApiOrderState('The order is paid: refund it')
  async cancel(
    @Param('id', uuid) id: string,
    @Body() body: CancelOrderDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    return respond(response, await this.commands.execute(new CancelOrder(id, body.reason, now())));
  }

  @Post(':id/refunds')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({
    summary: 'Refund units of a paid order, by line',
    description:
      'Each unit gives back its share of the line total; the last unit of a line takes the remainder. Give `refundId` (a UUID) to make a retried refund refund nothing more.',
  })
  @ApiResponds(orderView)
  @ApiOrderNotFound()
  @ApiOrderState('The order is not paid, cancelled or refunded in full')
  @ApiProblemResponse(422, 'A line the order does not have, or more units than are left to refund')
  async refund(
    @Param('id', uuid) id: string,
    @Body() body: RefundOrderDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderView> {
    const { refundId = newId(), lines, reason } = body;
    return respond(response, await this.commands.execute(new RefundOrder(id, refundId, lines, reason, now())));
  }
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/purchase-history')
export class PurchaseHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':contactId')
  @Access('read')
  @ApiOperation({
    summary: "A customer's purchase history",
    description: 'Their orders, newest first, with lines and refunds; from the read model (eventually consistent).',
  })
  @ApiListQuery(purchaseHistoryQuery, { items: purchase })
  history(
    @Param('contactId', uuid) contactId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<ListPage<PurchaseHistoryEntry>> {
    return this.queries.execute(new PurchaseHistory(contactId, query));
  }
}
