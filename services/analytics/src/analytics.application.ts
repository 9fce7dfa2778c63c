import { Module } from '@nestjs/common';
import { CustomersController } from './api/customers.controller';
import { ReportsController } from './api/reports.controller';
import { Customers } from './application/customers';
import { CustomerProfileHandler, CustomerTimelineHandler } from './application/queries/customers';
import { PipelineReportHandler, RevenueHandler, WinRateHandler } from './application/queries/sales-reports';

/** The analytics service's API: the customer timeline and profile, and the sales reports, read from its read models. */
@Module({
  controllers: [CustomersController, ReportsController],
  providers: [Customers, CustomerTimelineHandler, CustomerProfileHandler, PipelineReportHandler, WinRateHandler, RevenueHandler],
})
export class AnalyticsApplication {}
