import { isCalendarDate, readRfc3339, RFC_3339_EXAMPLE } from '@crm/platform';
import type { CompiledField } from './definition';

/** All that a query value can become: never an object that MongoDB would read as an operator. */
export type QueryValue = string | number | boolean | Date;

export type Parsed<T> = { ok: true; value: T } | { ok: false; messages: readonly string[] };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const invalid = (...messages: string[]): Parsed<never> => ({ ok: false, messages });

const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// `+02:00` sent unencoded arrives as ` 02:00`: worth its own hint.
const UNENCODED_PLUS = /[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)? \d{2}:\d{2}$/;

export const DATE_TIME_EXAMPLE = RFC_3339_EXAMPLE;

/** Characters as JSON Schema's `maxLength` counts them (code points), so that documents and checks agree. */
export const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** One value of `field` as sent in the query string, checked and converted for MongoDB. */
export function parseValue(field: CompiledField, raw: string): Parsed<QueryValue> {
  if (raw === '') return invalid('must not be empty');
  if (codePoints(raw) > field.maxLength) return invalid(`must be at most ${field.maxLength} characters`);
  if (CONTROL.test(raw)) return invalid('must not contain control characters');
  switch (field.type) {
    case 'string': {
      const value = field.normalize ? field.normalize(raw) : raw;
      return value === '' ? invalid('must not be empty') : ok(value);
    }
    case 'enum':
      return field.values!.includes(raw) ? ok(raw) : invalid(`must be one of: ${field.values!.join(', ')}`);
    case 'uuid':
      return UUID.test(raw) ? ok(raw.toLowerCase()) : invalid('must be a UUID');
    case 'boolean':
      return parseBoolean(raw);
    case 'number': {
      const value = Number(raw);
      return NUMBER.test(raw) && Number.isFinite(value) ? ok(value + 0) : invalid('must be a finite number');
    }
    case 'integer': {
      const value = Number(raw);
      return INTEGER.test(raw) && Number.isSafeInteger(value) ? ok(value + 0) : invalid('must be an integer');
    }
    case 'date':
      return parseDate(raw);
    case 'date-time': {
      const parsed = parseDateTime(raw);
      if (!parsed.ok || field.storedAs === 'date') return parsed;
      return ok(parsed.value.toISOString());
    }
  }
}

export function parseBoolean(raw: string): Parsed<boolean> {
  if (raw === 'true') return ok(true);
  if (raw === 'false') return ok(false);
  return invalid('must be true or false');
}

/** A calendar date, `YYYY-MM-DD`; kept as that string, which sorts as the date does. */
export function parseDate(raw: string): Parsed<string> {
  const match = DATE.exec(raw);
  return match && isCalendarDate(+match[1], +match[2], +match[3]) ? ok(raw) : invalid('must be a date such as 2025-01-31');
}

/** RFC 3339, any offset; fractions beyond milliseconds are cut, as `Date` keeps milliseconds. */
export function parseDateTime(raw: string): Parsed<Date> {
  const read = readRfc3339(raw, { allowSpace: true });
  if (read.ok) return ok(read.date);
  if (read.reason === 'range') return invalid('is not a valid date and time');
  return invalid(
    UNENCODED_PLUS.test(raw)
      ? 'must be an RFC 3339 date-time; send the "+" of an offset as %2B'
      : `must be an RFC 3339 date-time such as ${DATE_TIME_EXAMPLE}`,
  );
}
