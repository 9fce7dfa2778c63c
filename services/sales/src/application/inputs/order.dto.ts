import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_DISCOUNT_BASIS_POINTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '@crm/contracts';
import { BoundedArray, BoundedString, IsUuid, Nested, Optional } from '@crm/platform/nest';
import { Currency, MinorUnits } from './money.dto';
import { NOT_BLANK } from './text';

// The inputs of the orders' commands. Amounts are integer minor units of the order's currency.

function Quantity(description: string): PropertyDecorator {
  return (target, property) => {
    IsInt()(target, property);
    Min(1)(target, property);
    Max(MAX_LINE_QUANTITY)(target, property);
    ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LINE_QUANTITY, description, example: 3 })(target, property);
  };
}

/** A percentage in basis points or a fixed amount: exactly one of the two. */
export class LineDiscountDto {
  @ApiProperty({
    required: false,
    type: 'integer',
    minimum: 0,
    maximum: MAX_DISCOUNT_BASIS_POINTS,
    description: 'Ten-thousandths of the line subtotal: 1250 is 12.5 %.',
  })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(MAX_DISCOUNT_BASIS_POINTS)
  basisPoints?: number;

  @Optional()
  @MinorUnits('A fixed amount off the line, at most its subtotal.')
  amountMinor?: number;
}

export class OrderLineDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen; refunds name the line by it.' })
  @Optional()
  @IsUuid()
  lineId?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  productId!: string;

  @Quantity('Units ordered.') quantity!: number;

  @Optional()
  @MinorUnits("The unit price agreed for this order; the product's price in the order's currency when absent.")
  unitPriceMinor?: number;

  @Nested(LineDiscountDto, { optional: true }) discount?: LineDiscountDto;
}

export class PlaceOrderDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID, so that a retried order is harmless.' })
  @Optional()
  @IsUuid()
  orderId?: string;

  @ApiProperty({ format: 'uuid', description: 'The customer (a contact).' })
  @IsUuid()
  contactId!: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The deal the order closes, if any.' })
  @Optional()
  @IsUuid()
  dealId?: string;

  @Currency() currency!: string;

  @BoundedArray(MAX_ORDER_LINES, OrderLineDto, { minItems: 1 }) lines!: OrderLineDto[];
}

export class CancelOrderDto {
  @BoundedString(200, { minLength: 1, pattern: NOT_BLANK, example: 'duplicate order' }) reason!: string;
}

export class RefundLineDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  lineId!: string;

  @Quantity('Units of the line refunded.') quantity!: number;
}

export class RefundOrderDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID: a retried refund refunds nothing more.' })
  @Optional()
  @IsUuid()
  refundId?: string;

  @BoundedArray(MAX_ORDER_LINES, RefundLineDto, { minItems: 1 }) lines!: RefundLineDto[];

  @BoundedString(200, { optional: true, minLength: 1, pattern: NOT_BLANK, example: 'damaged' }) reason?: string;
}
