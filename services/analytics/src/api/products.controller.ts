import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { withoutPages, type TableExport } from '@crm/csv';
import { sendTableExport } from '@crm/csv/nest';
import { Access, ApiJsonResponse, ApiProblemResponse, ParseIdPipe } from '@crm/platform/nest';
import {
  ProductCustomers,
  ProductCustomersTable,
  ProductsBoughtWith,
  type BoughtWithAnswer,
  type ProductCustomersPage,
} from '../application/queries/products';
import { BoughtWithQuery, ProductCustomersQuery } from './product.dto';
import { boughtWithAnswer, productCustomersPage } from './views';

const DEFAULT_CUSTOMERS_LIMIT = 100;
const DEFAULT_BOUGHT_WITH_LIMIT = 10;

/**
 * Who bought what, for upselling: "bought X but not Y" and "bought with X". Bought means paid and not refunded, and a
 * customer is a survivor with the contacts merged into it (docs/analytics.md). A product nobody bought answers empty.
 */
@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':productId/customers')
  @Access('read')
  @ApiOperation({
    summary: 'The customers who bought a product (and not another)',
    description:
      'By customer id, a page at a time; `?format=csv` answers every customer as a CSV download (columns ' +
      '`customerId`, `quantity`) instead.',
  })
  @ApiResponse({
    status: 200,
    description: 'A page of customers; with `format=csv`, every customer as a download (a header row, then a row each).',
    content: {
      'application/json': { schema: productCustomersPage },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiProblemResponse(400, 'A malformed id, `notBought`, `limit` or cursor, or pages asked of the CSV')
  async customers(
    @Param('productId', new ParseIdPipe()) productId: string,
    @Query() { format, notBought, limit, cursor }: ProductCustomersQuery,
    @Res() response: Response,
  ): Promise<void> {
    if (format !== 'csv') {
      const page = await this.queries.execute(
        new ProductCustomers(productId, { notBought, limit: limit ?? DEFAULT_CUSTOMERS_LIMIT, cursor }),
      );
      response.status(200).json(page satisfies ProductCustomersPage);
      return;
    }
    withoutPages({ ...(limit !== undefined && { limit }), ...(cursor !== undefined && { cursor }) });
    await sendTableExport(response, { format }, undefined, (): Promise<TableExport> =>
      this.queries.execute(new ProductCustomersTable(productId, notBought)),
    );
  }

  @Get(':productId/bought-with')
  @Access('read')
  @ApiOperation({
    summary: 'The products most often bought with a product',
    description: 'Among the customers who bought it: the other products they bought, most customers first.',
  })
  @ApiJsonResponse(200, boughtWithAnswer)
  @ApiProblemResponse(400, 'A malformed id or `limit`')
  boughtWith(
    @Param('productId', new ParseIdPipe()) productId: string,
    @Query() { limit }: BoughtWithQuery,
  ): Promise<BoughtWithAnswer> {
    return this.queries.execute(new ProductsBoughtWith(productId, limit ?? DEFAULT_BOUGHT_WITH_LIMIT));
  }
}
