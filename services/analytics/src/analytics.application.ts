import { Module } from '@nestjs/common';
import { CustomersController } from './api/customers.controller';
import { ProductsController } from './api/products.controller';
import { Customers } from './application/customers';
import { CustomerProfileHandler, CustomerTimelineHandler } from './application/queries/customers';
import { ProductsBoughtWithHandler, ProductCustomersHandler, ProductCustomersTableHandler } from './application/queries/products';

/** The analytics service's API: the customer timeline and profile, and who bought what, read from its read models. */
@Module({
  controllers: [CustomersController, ProductsController],
  providers: [
    Customers,
    CustomerTimelineHandler,
    CustomerProfileHandler,
    ProductCustomersHandler,
    ProductCustomersTableHandler,
    ProductsBoughtWithHandler,
  ],
})
export class AnalyticsApplication {}
