import { applyDecorators, ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';
import { fullFormats } from 'ajv-formats/dist/formats';
import { Transform } from 'class-transformer';
import { isEmail, isISO31661Alpha2, isISO8601, IsUUID, ValidateBy, type ValidationOptions } from 'class-validator';

// Values whose rules the event contracts state too (libs/contracts checks them with ajv-formats): each check here is at
// least as strict, so that what a request may carry, an event may hold, and the contract check is never the first to
// object (it would be a 500).

const lowerCase = (value: unknown): unknown =>
  typeof value === 'string' ? value.toLowerCase() : Array.isArray(value) ? value.map(lowerCase) : value;

/**
 * A UUID of any version, in any case, kept in lower case: UUIDs are case-insensitive on input (RFC 9562), and ids are
 * Kafka keys and stream names, where `A` and `a` would be two. For what a request carries; `each` for a list.
 */
export function IsUuid(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => lowerCase(value)),
    IsUUID('all', options),
  );
}

/** `ParseUUIDPipe` that hands on the id in lower case, for path parameters: `@Param('id', ParseIdPipe)`. */
export class ParseIdPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    return (await super.transform(value, metadata)).toLowerCase();
  }
}

const CONTRACT_EMAIL = fullFormats.email as RegExp;

/**
 * An e-mail address as the contracts' `format: email` takes it (ASCII, no quoted local part) and as validator.js's
 * isEmail does (a top-level domain of two letters or more); at most 254 characters (RFC 5321).
 */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= 254 && isEmail(value) && CONTRACT_EMAIL.test(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an e-mail address (ASCII, like ada@example.com)`,
      },
    },
    options,
  );
}

/** The calendar date every accepted time starts with: no week (2025-W01) or ordinal (2025-032) dates, no signed years. */
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}(?![\d])/;

/** Whether a time written in RFC 3339 / ISO 8601 is one that converts to an RFC 3339 UTC timestamp with a 4-digit year. */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 40) return false;
  if (!CALENDAR_DATE.test(value) || !isISO8601(value, { strict: true, strictSeparator: true })) return false;
  const time = new Date(value);
  return !Number.isNaN(time.getTime()) && /^\d{4}-/.test(time.toISOString());
}

/** A time as RFC 3339 (`2025-01-31T09:30:00+01:00`; a date alone is its midnight UTC), stored converted to UTC. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: isTimestamp,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an RFC 3339 time between years 0000 and 9999 (2025-01-31T09:30:00Z)`,
      },
    },
    options,
  );
}

/** An ISO 3166-1 alpha-2 code that is assigned (validator.js's list, so `XX` is refused), in upper case: `CH`. */
export function IsCountryCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCountryCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^[A-Z]{2}$/.test(value) && isISO31661Alpha2(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an assigned ISO 3166-1 alpha-2 country code in upper case (CH)`,
      },
    },
    options,
  );
}
