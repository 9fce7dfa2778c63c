import { Module } from '@nestjs/common';
import { DealsController } from './api/deals.controller';
import { LeadsController } from './api/leads.controller';
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
  AssignLeadOwnerHandler,
  ConvertLeadHandler,
  CreateLeadHandler,
  DisqualifyLeadHandler,
  EraseLeadHandler,
  QualifyLeadHandler,
} from './application/commands/leads';
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
  ListDealsHandler,
  ListLeadsHandler,
  ListPipelinesHandler,
  ListProductsHandler,
  PurchaseHistoryHandler,
} from './application/queries/sales-queries';
import { DealRotting } from './application/deal-rotting';
import { GetDealHistoryHandler, GetHistoryHandler, GetOneHandler } from './application/queries/aggregate-reads';
import { CompleteLeadConversions } from './application/reactions/complete-lead-conversions';

/** The sales service's API and use cases: a handler per command and query. */
@Module({
  controllers: [
    PipelinesController,
    DealsController,
    ProductsController,
    OrdersController,
    PurchaseHistoryController,
    LeadsController,
  ],
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
    ListPipelinesHandler,
    ListDealsHandler,
    ListProductsHandler,
    PurchaseHistoryHandler,
    GetOneHandler,
    GetHistoryHandler,
    GetDealHistoryHandler,
    DealRotting,
    CreateLeadHandler,
    QualifyLeadHandler,
    DisqualifyLeadHandler,
    AssignLeadOwnerHandler,
    ConvertLeadHandler,
    EraseLeadHandler,
    ListLeadsHandler,
    CompleteLeadConversions,
  ],
})
export class SalesApplication {}
