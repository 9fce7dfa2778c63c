// RFC 3339 date-times as every service reads them: a request's time, a query's bound.

/** `2025-01-31T09:30:00Z`, with an offset or Z, up to nanoseconds; a space for the T where `allowSpace` says so. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * The same as a JSON Schema pattern, for documents: digits spelt `[0-9]` (a fuzzer's regex engine may read `\d` as any
 * Unicode digit), and the two ends of the range left out whose offset would carry them out of years 0000-9999 in UTC,
 * which neither a `Date`'s ISO string nor the contracts can hold.
 */
export const RFC_3339_PATTERN =
  '^(?!9999-12-31T[^Zz]*-)(?!0000-01-01T[^Zz]*[+])[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$';
const EDGES = /^(9999-12-31[Tt ][^Zz]*-|0000-01-01[Tt ][^Zz]*[+])/;

export const RFC_3339_EXAMPLE = '2025-01-31T09:30:00Z';

export type Rfc3339Reading = { ok: true; date: Date } | { ok: false; reason: 'format' | 'range' };

/** The instant a date-time names; `format` when it is not RFC 3339, `range` when no such date or time exists (or no year 0000-9999 in UTC holds it). */
export function readRfc3339(raw: string, { allowSpace = false } = {}): Rfc3339Reading {
  const match = DATE_TIME.exec(raw);
  if (!match || (!allowSpace && raw[10] === ' ')) return { ok: false, reason: 'format' };
  const [, year, month, day, hour, minute, second, fraction = '', zulu, sign, offsetHours, offsetMinutes] = match;
  const inRange = isCalendarDate(+year, +month, +day) && +hour < 24 && +minute < 60 && +second < 60;
  if (!inRange || (!zulu && (+offsetHours > 23 || +offsetMinutes > 59))) return { ok: false, reason: 'range' };
  const date = new Date(0);
  date.setUTCFullYear(+year, +month - 1, +day); // not Date.UTC: it reads years below 100 as 19xx
  date.setUTCHours(+hour, +minute, +second, +(fraction + '00').slice(0, 3));
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (+offsetHours * 60 + +offsetMinutes);
  const utc = new Date(date.getTime() - offset * 60_000);
  if (EDGES.test(raw) || utc.getUTCFullYear() < 0 || utc.getUTCFullYear() > 9999) return { ok: false, reason: 'range' };
  return { ok: true, date: utc };
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}
