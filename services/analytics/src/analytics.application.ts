import { Module } from '@nestjs/common';
import { CustomersController } from './api/customers.controller';
import { ProductsController } from './api/products.controller';
import { ReportsController } from './api/reports.controller';
import { Customers } from './application/customers';
import { CustomerProfileHandler, CustomerTimelineHandler } from './application/queries/customers';
import { ProductsBoughtWithHandler, ProductCustomersHandler, ProductCustomersTableHandler } from './application/queries/products';
import { PipelineReportHandler, RevenueHandler, WinRateHandler } from './application/queries/sales-reports';

/**
 * The analytics service's API: the customer timeline and profile, who bought what, and the sales reports, read from
 * its read models.
 */
@Module({
  controllers: [CustomersController, ProductsController, ReportsController],
  providers: [
    Customers,
    CustomerTimelineHandler,
    CustomerProfileHandler,
    ProductCustomersHandler,
    ProductCustomersTableHandler,
    ProductsBoughtWithHandler,
    PipelineReportHandler,
    WinRateHandler,
    RevenueHandler,
  ],
})
export class AnalyticsApplication {}
