import { Type, type Static } from '@sinclair/typebox';
import { Closed } from '../common-schemas';
import { pii } from '../json-schema';

/** A person's name, personal data as a whole. */
export const personNameSchema = pii(
  Closed({
    given: Type.String({ minLength: 1, maxLength: 200, description: 'Given name(s).' }),
    family: Type.String({ maxLength: 200, description: 'Family name; empty for a person known by a single name.' }),
  }),
);
export type PersonName = Static<typeof personNameSchema>;
