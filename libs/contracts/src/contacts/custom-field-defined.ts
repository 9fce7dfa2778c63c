import { Type } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'single-select', 'multi-select'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const CustomFieldDefined = defineEvent({
  service: 'contacts',
  name: 'CustomFieldDefined',
  version: 1,
  description:
    'A custom field of contacts was declared, or its label or options changed; its type never changes. Contact values ' +
    'of the field are checked against the declaration.',
  schema: Closed({
    // camelCase key the values are stored under: `shoeSize`.
    key: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*$', minLength: 1, maxLength: 40 }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    type: StringEnum(CUSTOM_FIELD_TYPES),
    // The allowed values of a select field.
    options: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
    ),
    at: UtcTimestamp({ description: 'When it was declared or changed.' }),
  }),
  example: {
    key: 'preferredProduct',
    label: 'Preferred product',
    type: 'single-select',
    options: ['Engine', 'Loom'],
    at: '2025-01-02T09:00:00.000Z',
  },
});
export type CustomFieldDefinedData = DataOf<typeof CustomFieldDefined>;
