import {
  Type,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type StringOptions,
  type TObject,
  type TProperties,
  type TSchema,
  type TString,
  type TUnion,
  type TUnsafe,
} from '@sinclair/typebox';

/** Building blocks shared by every service's contracts, so an id or a timestamp means the same everywhere. */

/** An object that allows no other properties: every contract object is closed. */
export function Closed<Properties extends TProperties>(properties: Properties, options?: ObjectOptions): TObject<Properties> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** `{ type: 'string', enum: [...] }`, as consumers' tools read it best; TypeBox would write a union of consts. */
export function StringEnum<const Values extends readonly string[]>(
  values: Values,
  options?: SchemaOptions,
): TUnsafe<Values[number]> {
  return Type.Unsafe<Values[number]>({ type: 'string', enum: [...values], ...options });
}

/** `oneOf` alternatives of disjoint types, as the contracts were published; TypeBox's Union would write `anyOf`. */
export function OneOf<const Alternatives extends TSchema[]>(
  alternatives: Alternatives,
  options?: SchemaOptions,
): TUnsafe<Static<TUnion<Alternatives>>> {
  return Type.Unsafe<Static<TUnion<Alternatives>>>({ oneOf: alternatives, ...options });
}

/** A UUID in canonical lower-case form: ids are Kafka keys, and `A` and `a` would land on different partitions. */
export function Uuid(options?: StringOptions): TString {
  return Type.String({
    format: 'uuid',
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    minLength: 36,
    maxLength: 36,
    ...options,
  });
}

/** RFC 3339 in UTC (`Z`), as every service writes time; millisecond to nanosecond precision allowed. */
export function UtcTimestamp(options?: StringOptions): TString {
  return Type.String({
    format: 'date-time',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$',
    maxLength: 30,
    ...options,
  });
}

/** An e-mail address; 254 characters is the longest that SMTP can carry (RFC 5321). */
export function Email(options?: StringOptions): TString {
  return Type.String({ format: 'email', minLength: 3, maxLength: 254, ...options });
}
