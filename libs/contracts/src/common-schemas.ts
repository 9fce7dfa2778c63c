import type { JsonSchema } from './json-schema';

/** Building blocks shared by every service's contracts, so an id or a timestamp means the same everywhere. */

/** A UUID in canonical lower-case form: ids are Kafka keys, and `A` and `a` would land on different partitions. */
export const uuidSchema: JsonSchema = {
  type: 'string',
  format: 'uuid',
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  minLength: 36,
  maxLength: 36,
};

/** RFC 3339 in UTC (`Z`), as every service writes time; millisecond to nanosecond precision allowed. */
export const utcTimestampSchema: JsonSchema = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$',
  maxLength: 30,
};

/** An e-mail address; 254 characters is the longest that SMTP can carry (RFC 5321). */
export const emailSchema: JsonSchema = {
  type: 'string',
  format: 'email',
  minLength: 3,
  maxLength: 254,
};
