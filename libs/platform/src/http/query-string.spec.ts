import express from 'express';
import { parseQueryString } from './query-string';

/** What Express's own "extended" parser hands to `@Query()`. */
const expressExtended = express().set('query parser', 'extended').get('query parser fn') as (query: string) => unknown;

describe('parseQueryString', () => {
  it('parses as Express does: nested brackets, repeated keys, own `constructor` keys', () => {
    expect(parseQueryString(null)).toEqual({});
    for (const query of ['a=1&b[gte]=2&b[lt]=3', 'tag=a&tag=b', 'x[]=1&x[]=2', 'constructor=x&q=a+b%20c', '', 'a[b][c]=1']) {
      expect(parseQueryString(query)).toEqual(expressExtended(query));
    }
  });

  it('keeps keys with a __proto__ segment, which qs drops, as own flat keys', () => {
    expect(expressExtended('email[__proto__]=x')).toEqual({ email: {} });
    expect(expressExtended('__proto__[x]=1')).toEqual({});

    const nested = parseQueryString('email[__proto__]=x&limit=5');
    expect(Object.keys(nested)).toEqual(['email', 'limit', 'email[__proto__]']);
    expect(nested['email[__proto__]']).toBe('x');
    const root = parseQueryString('__proto__[x]=1');
    expect(Object.keys(root)).toEqual(['__proto__[x]']);
    expect(Object.getPrototypeOf(root)).toBe(Object.prototype);
    expect(Object.keys(parseQueryString('%5F%5Fproto%5F%5F=1'))).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parseQueryString('__proto__=1'))).toBe(Object.prototype);
  });
});
