import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond, type HistoryEntry } from '@crm/service-kit';
import { now } from '@crm/platform';
import { CreateProduct, ReactivateProduct, RetireProduct, UpdateProduct } from '../application/commands/products';
import { CreateProductDto, UpdateProductDto } from '../application/inputs/product.dto';
import { ListProducts } from '../application/queries/sales-queries';
import { GetHistory, GetOne } from '../application/queries/aggregate-reads';
import { productAggregate, ProductNotFound } from '../domain/product';
import { productListQuery, type ProductListItem } from '../application/read-models/catalog-lists';
import { writtenProduct, type ProductView } from '../application/sales-views';
import { AsOfQuery, asOfTime } from './as-of.query';
import { history, listedProduct, productView } from './views';

const ApiProductNotFound = () => ApiProblemResponse(404, 'No product has this id');
const ApiPricesRefused = () => ApiProblemResponse(422, 'Two prices in one currency, or a name blank once trimmed');

const uuid = new ParseIdPipe();

@ApiTags('products')
@ApiBearerAuth()
@Controller('v1/products')
export class ProductsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Create a product',
    description:
      'Its id is derived from its SKU (without case): a second product with the SKU is a 409 naming `sku`. Prices in integer minor units, one per currency.',
  })
  @ApiResponds(productView, { status: 201, location: true })
  @ApiProblemResponse(409, 'A product with this SKU exists already')
  @ApiPricesRefused()
  async create(@Body() body: CreateProductDto, @Res({ passthrough: true }) response: Response): Promise<ProductView> {
    const written = await this.commands.execute(new CreateProduct(body.sku, body.name, body.prices, now()));
    return respond(response, written, { status: 201, location: `/v1/products/${written.view.productId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'List products', description: 'From the read model (eventually consistent).' })
  @ApiListQuery(productListQuery, { items: listedProduct })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ProductListItem>> {
    return this.queries.execute(new ListProducts(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get a product', description: 'The product now, or as it was at `asOf` (its prices then).' })
  @ApiResponds(productView)
  @ApiProductNotFound()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProductView> {
    return respond(response, await this.queries.execute(new GetOne(productAggregate, writtenProduct, id, asOfTime(query))));
  }
  @Get(':id/history')
  @Access('read')
  @ApiOperation({ summary: "A product's history", description: 'Every change: who, when, which fields, old and new values.' })
  @ApiJsonResponse(200, history)
  @ApiProductNotFound()
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: await this.queries.execute(new GetHistory(productAggregate, id, (missing) => new ProductNotFound(missing))) };
  }

  @Patch(':id')
  @Access('write')
  @ApiOperation({
    summary: 'Update a product',
    description: 'Its name or its prices (replaced as a whole); the SKU never changes. `If-Match` makes it conditional.',
  })
  @ApiResponds(productView)
  @ApiProductNotFound()
  @ApiProblemResponse(409, 'The product is retired, or another request changed it at the same moment')
  @ApiPricesRefused()
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateProductDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProductView> {
    return respond(response, await this.commands.execute(new UpdateProduct(id, body, now(), expectedRevision)));
  }

  @Post(':id/retire')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Retire a product', description: 'No new order names it; orders placed keep it.' })
  @ApiResponds(productView)
  @ApiProductNotFound()
  async retire(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<ProductView> {
    return respond(response, await this.commands.execute(new RetireProduct(id, now())));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Reactivate a retired product' })
  @ApiResponds(productView)
  @ApiProductNotFound()
  async reactivate(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<ProductView> {
    return respond(response, await this.commands.execute(new ReactivateProduct(id, now())));
  }
}
