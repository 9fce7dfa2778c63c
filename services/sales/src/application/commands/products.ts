import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProductPrice } from '@crm/contracts';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { v5 as uuidv5 } from 'uuid';
import { productAggregate, skuKey, type ProductCommand } from '../../domain/product';
import { writtenProduct, type ProductView } from '../sales-views';

// Fixed: a SKU names the same product id in every environment (and in no other UUIDv5 namespace of the code).
const PRODUCT_NAMESPACE = '16c4d870-79a7-4915-ad6b-db60a62f0db6';

/** The product's id: derived from its SKU without case, so that a second product with the SKU is refused (409). */
export const productIdOf = (sku: string): string => uuidv5(`product:${skuKey(sku)}`, PRODUCT_NAMESPACE);

/** Prices as the domain takes them: plain data (a request's DTOs are class instances). */
const pricesOf = (prices: readonly ProductPrice[]): ProductPrice[] =>
  prices.map(({ currency, amountMinor }) => ({ currency, amountMinor }));

export class CreateProduct extends Command<Written<ProductView>> {
  constructor(
    readonly sku: string,
    readonly name: string,
    readonly prices: ProductPrice[],
    readonly now: string,
  ) {
    super();
  }
}

export class UpdateProduct extends Command<Written<ProductView>> {
  constructor(
    readonly productId: string,
    readonly changes: { name?: string; prices?: ProductPrice[] },
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class RetireProduct extends Command<Written<ProductView>> {
  constructor(
    readonly productId: string,
    readonly now: string,
  ) {
    super();
  }
}

export class ReactivateProduct extends Command<Written<ProductView>> {
  constructor(
    readonly productId: string,
    readonly now: string,
  ) {
    super();
  }
}

abstract class ProductCommandHandler {
  constructor(@InjectRepository(productAggregate) private readonly products: RepositoryOf<typeof productAggregate>) {}

  protected async run(productId: string, command: ProductCommand, expectedRevision?: number): Promise<Written<ProductView>> {
    return writtenProduct(productId, await this.products.handle(productId, command, { expectedRevision }));
  }
}

@CommandHandler(CreateProduct)
export class CreateProductHandler extends ProductCommandHandler implements ICommandHandler<CreateProduct> {
  execute({ sku, name, prices, now }: CreateProduct): Promise<Written<ProductView>> {
    const productId = productIdOf(sku);
    return this.run(productId, { type: 'CreateProduct', data: { productId, sku, name, prices: pricesOf(prices), now } });
  }
}

@CommandHandler(UpdateProduct)
export class UpdateProductHandler extends ProductCommandHandler implements ICommandHandler<UpdateProduct> {
  execute({ productId, changes, now, expectedRevision }: UpdateProduct): Promise<Written<ProductView>> {
    const { name, prices } = changes;
    const plain = { ...(name !== undefined && { name }), ...(prices !== undefined && { prices: pricesOf(prices) }) };
    return this.run(productId, { type: 'UpdateProduct', data: { productId, changes: plain, now } }, expectedRevision);
  }
}

@CommandHandler(RetireProduct)
export class RetireProductHandler extends ProductCommandHandler implements ICommandHandler<RetireProduct> {
  execute({ productId, now }: RetireProduct): Promise<Written<ProductView>> {
    return this.run(productId, { type: 'RetireProduct', data: { productId, now } });
  }
}

@CommandHandler(ReactivateProduct)
export class ReactivateProductHandler extends ProductCommandHandler implements ICommandHandler<ReactivateProduct> {
  execute({ productId, now }: ReactivateProduct): Promise<Written<ProductView>> {
    return this.run(productId, { type: 'ReactivateProduct', data: { productId, now } });
  }
}
