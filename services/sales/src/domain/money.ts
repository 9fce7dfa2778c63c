import type { Money } from '@crm/contracts';

/** The currencies in use (ISO 4217, as the runtime's CLDR data knows them), and their minor units. */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  Intl.supportedValuesOf('currency').map((code) => [
    code,
    new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2,
  ]),
);

export class UnknownCurrency extends Error {
  override readonly name = 'UnknownCurrency';
  constructor(readonly currency: string) {
    super(`${currency} is not an ISO 4217 currency in use`);
  }
}

/** A sum or product beyond what every consumer can read exactly (2^53 - 1 minor units). */
export class AmountOverflow extends Error {
  override readonly name = 'AmountOverflow';
  constructor(readonly what: string) {
    super(`${what} exceeds ${Number.MAX_SAFE_INTEGER} minor units`);
  }
}

export const isCurrencyInUse = (currency: string): boolean => MINOR_UNITS.has(currency);

/** The ISO 4217 codes in use, in order: what a request may name as a currency. */
export const CURRENCIES_IN_USE: readonly string[] = [...MINOR_UNITS.keys()].sort();

/** Digits after the decimal point of the currency's major unit: 2 for EUR, 0 for JPY, 3 for BHD. */
export function minorUnitsOf(currency: string): number {
  const digits = MINOR_UNITS.get(currency);
  if (digits === undefined) throw new UnknownCurrency(currency);
  return digits;
}

/** Checks a big integer result and returns it as a number; `what` names it in the error. */
export function safeAmount(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountOverflow(what);
  return Number(value);
}

/** `amountMinor × quantity`, exactly. */
export const times = (amountMinor: number, quantity: number, what: string): number =>
  safeAmount(BigInt(amountMinor) * BigInt(quantity), what);

/** The sum of amounts in minor units, exactly. */
export const sum = (amounts: readonly number[], what: string): number =>
  safeAmount(
    amounts.reduce((total, amount) => total + BigInt(amount), 0n),
    what,
  );

/** `basisPoints` ten-thousandths of an amount, rounded half up to a whole minor unit: 12.5 % of 0.99 is 0.12. */
export function share(amountMinor: number, basisPoints: number): number {
  return Number((BigInt(amountMinor) * BigInt(basisPoints) + 5_000n) / 10_000n);
}

/** Money of one currency added up; an empty list is zero in that currency. */
export function total(currency: string, amounts: readonly number[], what: string): Money {
  return { currency, amountMinor: sum(amounts, what) };
}

/**
 * An amount split into `parts` equal whole minor units, rounded down, and the minor units left over: 1000 in 3 parts
 * is 333 each with 1 left. Whoever takes the last part takes the remainder too, so the parts add up to the amount.
 */
export function split(amountMinor: number, parts: number): { partMinor: number; remainderMinor: number } {
  const amount = BigInt(amountMinor);
  const count = BigInt(parts);
  return { partMinor: Number(amount / count), remainderMinor: Number(amount % count) };
}
