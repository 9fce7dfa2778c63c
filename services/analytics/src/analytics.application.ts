import { Module } from '@nestjs/common';
import { CustomersController } from './api/customers.controller';
import { Customers } from './application/customers';
import { CustomerProfileHandler, CustomerTimelineHandler } from './application/queries/customers';

/** The analytics service's API: the customer timeline and profile, read from its read models. */
@Module({
  controllers: [CustomersController],
  providers: [Customers, CustomerTimelineHandler, CustomerProfileHandler],
})
export class AnalyticsApplication {}
