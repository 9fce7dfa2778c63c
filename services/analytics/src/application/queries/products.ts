import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { inMemoryItems, type TableExport } from '@crm/csv';
import { RequestValidationError } from '@crm/platform';
import { ReadModels } from '@crm/service-kit';
import {
  boughtWith,
  customersWhoBought,
  productsByCustomer,
  type ProductBoughtWith,
  type ProductCustomer,
} from '../../domain/product-buyers';
import type { ProductBought, SalesRecord } from '../../domain/sales-record';
import { Customers } from '../customers';
import { customerProfileProjection } from '../read-models/customer-profile';

export interface ProductCustomersPage {
  productId: string;
  notBought?: string;
  items: ProductCustomer[];
  /** The cursor of the next page; absent on the last one. */
  next?: string;
}

export interface BoughtWithAnswer {
  productId: string;
  /** How many customers bought the product. */
  customers: number;
  items: ProductBoughtWith[];
}

/**
 * What every customer who bought a product bought, merged contacts combined: the contacts whose profile says
 * they bought it, the customers they stand for now, and the records of all those customers' contacts (a contact merged
 * into a buyer may have bought what the buyer did not). An erased contact's profile keeps no sales: it counts nothing.
 */
async function buyersOf(readModels: ReadModels, customers: Customers, productId: string): Promise<Map<string, ProductBought[]>> {
  const profiles = readModels.of(customerProfileProjection);
  const buyers = await profiles
    .find({ 'sales.boughtProductIds': productId }, { projection: { _id: 1 } })
    .map((profile) => profile._id)
    .toArray();
  const customerIds = [...new Set((await customers.survivorsOf(buyers)).values())];
  const contactIds = await customers.withMergedContacts(customerIds);
  const records = (await profiles.find({ _id: { $in: contactIds } }, { projection: { sales: 1 } }).toArray()).flatMap(
    (profile) => {
      const sales = (profile as { sales?: SalesRecord }).sales;
      return sales ? [{ contactId: profile._id, sales }] : [];
    },
  );
  return productsByCustomer(records, await customers.survivorsOf(contactIds));
}

/** The customers who bought a product and, with `notBought`, never bought another; by customer id, a page at a time. */
export class ProductCustomers extends Query<ProductCustomersPage> {
  constructor(
    readonly productId: string,
    readonly request: { notBought?: string; limit: number; cursor?: string },
  ) {
    super();
  }
}

@QueryHandler(ProductCustomers)
export class ProductCustomersHandler implements IQueryHandler<ProductCustomers> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly customers: Customers,
  ) {}

  async execute({ productId, request: { notBought, limit, cursor } }: ProductCustomers): Promise<ProductCustomersPage> {
    const after = cursor === undefined ? undefined : decodeCustomerCursor(cursor);
    const found = customersWhoBought(await buyersOf(this.readModels, this.customers, productId), productId, notBought);
    const rest = after === undefined ? found : found.filter((customer) => customer.customerId > after);
    const items = rest.slice(0, limit);
    const page = { productId, ...(notBought !== undefined && { notBought }), items };
    return items.length < rest.length ? { ...page, next: encodeCustomerCursor(items[items.length - 1].customerId) } : page;
  }
}

/** Every customer who bought a product and, with `notBought`, never bought another, as a table to download. */
export class ProductCustomersTable extends Query<TableExport<ProductCustomer>> {
  constructor(
    readonly productId: string,
    readonly notBought?: string,
  ) {
    super();
  }
}

@QueryHandler(ProductCustomersTable)
export class ProductCustomersTableHandler implements IQueryHandler<ProductCustomersTable> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly customers: Customers,
  ) {}

  async execute({ productId, notBought }: ProductCustomersTable): Promise<TableExport<ProductCustomer>> {
    const found = customersWhoBought(await buyersOf(this.readModels, this.customers, productId), productId, notBought);
    return {
      name: notBought === undefined ? `customers-of-${productId}` : `customers-of-${productId}-not-${notBought}`,
      columns: ['customerId', 'quantity'],
      record: ({ customerId, quantity }) => [customerId, String(quantity)],
      items: inMemoryItems(found),
    };
  }
}

/** The other products most often bought by the customers who bought this one. */
export class ProductsBoughtWith extends Query<BoughtWithAnswer> {
  constructor(
    readonly productId: string,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(ProductsBoughtWith)
export class ProductsBoughtWithHandler implements IQueryHandler<ProductsBoughtWith> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly customers: Customers,
  ) {}

  async execute({ productId, limit }: ProductsBoughtWith): Promise<BoughtWithAnswer> {
    const buyers = await buyersOf(this.readModels, this.customers, productId);
    return {
      productId,
      customers: customersWhoBought(buyers, productId).length,
      items: boughtWith(buyers, productId).slice(0, limit),
    };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const encodeCustomerCursor = (customerId: string): string => Buffer.from(customerId, 'utf8').toString('base64url');

/** The customer a page ended with; a 400 problem for anything that is not a `next` of ours. */
function decodeCustomerCursor(cursor: string): string {
  const customerId = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!UUID.test(customerId)) {
    throw new RequestValidationError([{ field: 'cursor', messages: ['cursor is not one this list gave'], in: 'query' }]);
  }
  return customerId;
}
