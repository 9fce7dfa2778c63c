import { Type, type Static } from '@sinclair/typebox';
import { Closed } from '../common-schemas';

/**
 * Money in sales events: an integer count of the currency's minor unit (cents for EUR, yen for JPY, fils for BHD)
 * and its ISO 4217 code, never a floating-point amount. Amounts stay within JavaScript's safe integers so every
 * consumer reads them exactly.
 */
export function CurrencyCode(options?: { description?: string }) {
  return Type.String({ pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3, description: 'ISO 4217 code: `EUR`.', ...options });
}

export function MinorAmount(options?: { description?: string }) {
  return Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: "In the currency's minor unit (cents for EUR, yen for JPY).",
    ...options,
  });
}

export const moneySchema = Closed({ amountMinor: MinorAmount(), currency: CurrencyCode() });
export type Money = Static<typeof moneySchema>;
