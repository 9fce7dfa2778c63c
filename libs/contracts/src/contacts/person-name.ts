import { pii, type JsonSchema } from '../json-schema';

export interface PersonName {
  given: string;
  /** Empty for a person known by a single name. */
  family: string;
}

/** A person's name, personal data as a whole. */
export const personNameSchema: JsonSchema = pii({
  type: 'object',
  additionalProperties: false,
  required: ['given', 'family'],
  properties: {
    given: { type: 'string', minLength: 1, maxLength: 200, description: 'Given name(s).' },
    family: { type: 'string', maxLength: 200, description: 'Family name; empty for a person known by a single name.' },
  },
});
