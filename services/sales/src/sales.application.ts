import { Module } from '@nestjs/common';
import { DealsController } from './api/deals.controller';
import { OrdersController, PurchaseHistoryController } from './api/orders.controller';
import { PipelinesController } from './api/pipelines.controller';
import { ProductsController } from './api/products.controller';
import {
  LoseDealHandler,
  MoveDealStageHandler,
  OpenDealHandler,
  ReopenDealHandler,
  UpdateDealHandler,
  WinDealHandler,
} from './application/commands/deals';
import {
  CancelOrderHandler,
  FulfillOrderHandler,
  PayOrderHandler,
  PlaceOrderHandler,
  RefundOrderHandler,
} from './application/commands/orders';
import { ChangePipelineStagesHandler, CreatePipelineHandler, RenamePipelineHandler } from './application/commands/pipelines';
import {
  CreateProductHandler,
  ReactivateProductHandler,
  RetireProductHandler,
  UpdateProductHandler,
} from './application/commands/products';
import {
  GetDealHandler,
  GetOrderHandler,
  GetPipelineHandler,
  GetProductHandler,
  ListDealsHandler,
  ListPipelinesHandler,
  ListProductsHandler,
  PurchaseHistoryHandler,
} from './application/queries/sales-queries';
import { DealRotting } from './application/deal-rotting';
import { GetDealHistoryHandler, GetHistoryHandler } from './application/queries/history';

/** The sales service's API and use cases: a handler per command and query. */
@Module({
  controllers: [PipelinesController, DealsController, ProductsController, OrdersController, PurchaseHistoryController],
  providers: [
    CreatePipelineHandler,
    RenamePipelineHandler,
    ChangePipelineStagesHandler,
    OpenDealHandler,
    UpdateDealHandler,
    MoveDealStageHandler,
    WinDealHandler,
    LoseDealHandler,
    ReopenDealHandler,
    CreateProductHandler,
    UpdateProductHandler,
    RetireProductHandler,
    ReactivateProductHandler,
    PlaceOrderHandler,
    PayOrderHandler,
    FulfillOrderHandler,
    CancelOrderHandler,
    RefundOrderHandler,
    GetPipelineHandler,
    ListPipelinesHandler,
    GetDealHandler,
    ListDealsHandler,
    GetProductHandler,
    ListProductsHandler,
    GetOrderHandler,
    PurchaseHistoryHandler,
    GetHistoryHandler,
    GetDealHistoryHandler,
    DealRotting,
  ],
})
export class SalesApplication {}
