import { MAX_PRODUCT_NAME_LENGTH, MAX_PRODUCT_PRICES, MAX_SKU_LENGTH, SKU_PATTERN } from '@crm/contracts';
import { BoundedArray, BoundedString } from '@crm/platform/nest';
import { MoneyDto } from './money.dto';
import { NOT_BLANK } from './text';

// The inputs of the catalog's commands. The SKU is the product's identity: its id is derived from it.

const prices = (optional: boolean) =>
  BoundedArray(MAX_PRODUCT_PRICES, MoneyDto, {
    optional,
    description: 'The list price per currency, one per currency; none is a product priced per order.',
  });

export class CreateProductDto {
  @BoundedString(MAX_SKU_LENGTH, {
    minLength: 1,
    pattern: new RegExp(SKU_PATTERN),
    description: 'Stock keeping unit, unique without regard to case.',
    example: 'ENG-DIFF-2',
  })
  sku!: string;

  @BoundedString(MAX_PRODUCT_NAME_LENGTH, { minLength: 1, pattern: NOT_BLANK, example: 'Difference Engine No. 2' }) name!: string;

  @prices(false) prices!: MoneyDto[];
}

export class UpdateProductDto {
  @BoundedString(MAX_PRODUCT_NAME_LENGTH, { optional: true, minLength: 1, pattern: NOT_BLANK }) name?: string;

  @prices(true) prices?: MoneyDto[];
}
