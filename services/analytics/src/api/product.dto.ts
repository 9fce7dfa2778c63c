import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { BoundedString, IsUuid, OPENAPI_RULE_EXTENSION, Optional } from '@crm/platform/nest';

/** `?format=csv`: every customer as a CSV download instead of a JSON page. */
export const PRODUCT_CUSTOMERS_FORMATS = ['csv'] as const;

/** Who bought a product (and not another), a page at a time or as CSV; any other parameter is a 400 problem. */
export class ProductCustomersQuery {
  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Only the customers who never bought this product.' })
  @Optional()
  @IsString()
  @IsUuid()
  notBought?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @BoundedString(64, { optional: true, opaque: true, description: 'Opaque cursor from a previous page (`next`).' })
  cursor?: string;

  @ApiPropertyOptional({
    enum: PRODUCT_CUSTOMERS_FORMATS,
    description: 'csv: every customer (no pages: no `limit` or `cursor`) as a `text/csv` download.',
    [OPENAPI_RULE_EXTENSION]: 'without `limit` and `cursor`',
  } as ApiPropertyOptions)
  @Optional()
  @IsIn(PRODUCT_CUSTOMERS_FORMATS)
  format?: (typeof PRODUCT_CUSTOMERS_FORMATS)[number];
}

export class BoughtWithQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10, description: 'The most products answered.' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
