import { AmountOverflow, UnknownCurrency, isCurrencyInUse, minorUnitsOf, share, split, sum, times, total } from './money';

describe('money', () => {
  it('knows the currencies in use and their minor units', () => {
    expect([minorUnitsOf('EUR'), minorUnitsOf('JPY'), minorUnitsOf('BHD'), minorUnitsOf('KWD')]).toEqual([2, 0, 3, 3]);
    expect(isCurrencyInUse('CHF')).toBe(true);
    for (const code of ['XXX', 'XTS', 'XAU', 'CLF', 'ABC', 'eur', '']) expect(isCurrencyInUse(code)).toBe(false);
    expect(() => minorUnitsOf('XXX')).toThrow(UnknownCurrency);
  });

  it('multiplies and adds exactly, and refuses what no consumer could read exactly', () => {
    expect(times(1999, 3, 'line')).toBe(5997);
    expect(
      sum(
        [0.1, 0.2].map((n) => n * 10),
        'total',
      ),
    ).toBe(3);
    expect(sum([Number.MAX_SAFE_INTEGER - 1, 1], 'total')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => sum([Number.MAX_SAFE_INTEGER, 1], 'order total')).toThrow(AmountOverflow);
    expect(() => times(2 ** 40, 2 ** 20, 'line 1')).toThrow('line 1 exceeds 9007199254740991 minor units');
    expect(total('EUR', [], 'total')).toEqual({ currency: 'EUR', amountMinor: 0 });
  });

  it('takes a share in basis points, rounded half up to a whole minor unit', () => {
    expect(share(99, 1250)).toBe(12); // 12.375
    expect(share(100, 1250)).toBe(13); // 12.5
    expect(share(1, 5000)).toBe(1); // 0.5
    expect(share(1, 4999)).toBe(0);
    expect(share(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('splits an amount into equal whole minor units rounded down, and says what is left for the last part', () => {
    expect(split(1000, 3)).toEqual({ partMinor: 333, remainderMinor: 1 });
    expect(split(5397, 3)).toEqual({ partMinor: 1799, remainderMinor: 0 });
    expect(split(0, 7)).toEqual({ partMinor: 0, remainderMinor: 0 });
    expect(split(Number.MAX_SAFE_INTEGER, 1_000_000)).toEqual({ partMinor: 9_007_199_254, remainderMinor: 740_991 });
  });
});
