import { utcTimestampSchema } from '../common-schemas';
import { defineEvent } from '../contract';

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'single-select', 'multi-select'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDefinedData {
  /** camelCase key the values are stored under: `shoeSize`. */
  key: string;
  label: string;
  type: CustomFieldType;
  /** The allowed values of a select field. */
  options?: string[];
  at: string;
}

export const CustomFieldDefined = defineEvent<CustomFieldDefinedData>({
  service: 'contacts',
  name: 'CustomFieldDefined',
  version: 1,
  description:
    'A custom field of contacts was declared, or its label or options changed; its type never changes. Contact values ' +
    'of the field are checked against the declaration.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'label', 'type', 'at'],
    properties: {
      key: { type: 'string', pattern: '^[a-z][a-zA-Z0-9]*$', minLength: 1, maxLength: 40 },
      label: { type: 'string', minLength: 1, maxLength: 100 },
      type: { type: 'string', enum: CUSTOM_FIELD_TYPES },
      options: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        items: { type: 'string', minLength: 1, maxLength: 100 },
      },
      at: { ...utcTimestampSchema, description: 'When it was declared or changed.' },
    },
  },
  example: {
    key: 'preferredProduct',
    label: 'Preferred product',
    type: 'single-select',
    options: ['Engine', 'Loom'],
    at: '2025-01-02T09:00:00.000Z',
  },
});
