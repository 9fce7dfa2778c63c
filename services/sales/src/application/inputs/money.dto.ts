import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { CURRENCIES_IN_USE } from '../../domain/money';

/** Whole minor units, up to what every consumer reads exactly (2^53 - 1): never a floating-point amount. */
export function MinorUnits(description = "In the currency's minor unit (cents for EUR, yen for JPY)."): PropertyDecorator {
  return (target, property) => {
    IsInt()(target, property);
    Min(0)(target, property);
    Max(Number.MAX_SAFE_INTEGER)(target, property);
    ApiProperty({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description, example: 129900 })(
      target,
      property,
    );
  };
}

/** An ISO 4217 code in use, in upper case: `EUR`. */
export function Currency(): PropertyDecorator {
  return (target, property) => {
    IsIn(CURRENCIES_IN_USE, { message: `${String(property)} must be an ISO 4217 currency code in use, in upper case (EUR)` })(
      target,
      property,
    );
    ApiProperty({ enum: CURRENCIES_IN_USE, description: 'ISO 4217 code: `EUR`.', example: 'EUR' })(target, property);
  };
}

/** An amount of money: integer minor units and the ISO 4217 currency they count. */
export class MoneyDto {
  @MinorUnits() amountMinor!: number;
  @Currency() currency!: string;
}
