import { applyDecorators, ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';
import { fullFormats } from 'ajv-formats/dist/formats';
import { Transform } from 'class-transformer';
import { isEmail, isISO31661Alpha2, IsUUID, ValidateBy, type ValidationOptions } from 'class-validator';
import { CountryCodes } from 'validator/lib/isISO31661Alpha2';
import { isCalendarDate, readRfc3339, RFC_3339_EXAMPLE, RFC_3339_PATTERN } from '../../validation/rfc3339';
import { documentValidator } from '../openapi/validation-schema';

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

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a time is RFC 3339 (or a calendar date, its midnight UTC) and converts to a UTC timestamp with a 4-digit year. */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 40) return false;
  const date = CALENDAR_DATE.exec(value);
  return date ? isCalendarDate(+date[1], +date[2], +date[3]) : readRfc3339(value).ok;
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

// What each check takes, for the OpenAPI documents (derived from validation, docs/api.md).
documentValidator('isTimestamp', {
  type: 'string',
  maxLength: 40,
  anyOf: [
    { format: 'date-time', pattern: RFC_3339_PATTERN },
    { format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
  ],
  example: RFC_3339_EXAMPLE,
});
documentValidator('isEmailAddress', {
  type: 'string',
  format: 'email',
  maxLength: 254,
  // Both checks as one pattern: the contracts' (in either case: a JSON Schema pattern has no `i` flag) and
  // validator.js's limits (a local part of 64 characters at most, labels of 63, a top-level domain of letters).
  pattern:
    "^(?=[^@]{1,64}@)[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:[.][a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*@" +
    '(?:(?=[a-zA-Z0-9-]{1,63}[.])[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?[.])+[a-zA-Z]{2,63}$',
});
documentValidator('isCountryCode', { type: 'string', enum: [...CountryCodes].sort() });
