import type { Aggregate, Decider } from '@crm/eventsourcing';
import type { CustomFieldDefinedData, CustomFieldEvent, CustomFieldType } from '@crm/contracts';

/** The catalog of custom fields contacts may carry: one stream, read before a contact's custom values are checked. */
export interface CustomFieldCatalog {
  fields: ReadonlyMap<string, CustomFieldDefinedData>;
}

export type CustomFieldCommand = {
  type: 'DefineCustomField';
  data: { key: string; label: string; type: CustomFieldType; options?: string[]; now: string };
};

export class CustomFieldTypeChange extends Error {
  override readonly name = 'CustomFieldTypeChange';
  constructor(
    readonly key: string,
    readonly type: CustomFieldType,
  ) {
    super(`Custom field ${key} is a ${type} field; its type cannot change (stored values would no longer fit)`);
  }
}

export class InvalidCustomFieldDefinition extends Error {
  override readonly name = 'InvalidCustomFieldDefinition';
}

const isSelect = (type: CustomFieldType) => type === 'single-select' || type === 'multi-select';

export function decide(command: CustomFieldCommand, state: CustomFieldCatalog): CustomFieldEvent[] {
  const { key, label, type, options, now } = command.data;
  if (isSelect(type) !== (options !== undefined && options.length > 0)) {
    throw new InvalidCustomFieldDefinition(
      isSelect(type) ? `A ${type} field needs options` : `Only select fields have options, not a ${type} field`,
    );
  }
  const current = state.fields.get(key);
  if (current && current.type !== type) throw new CustomFieldTypeChange(key, current.type);
  const removed = current?.options?.filter((option) => !options?.includes(option)) ?? [];
  // Removing an option would make stored values invalid: options are only ever added.
  if (removed.length > 0)
    throw new InvalidCustomFieldDefinition(`Options cannot be removed (${removed.join(', ')}); values may use them`);
  if (current && current.label === label && JSON.stringify(current.options) === JSON.stringify(options)) return [];
  return [{ type: 'CustomFieldDefined', data: { key, label, type, ...(options ? { options } : {}), at: now } }];
}

export function evolve(state: CustomFieldCatalog, event: CustomFieldEvent): CustomFieldCatalog {
  return { fields: new Map(state.fields).set(event.data.key, event.data) };
}

export const customFieldDecider: Decider<CustomFieldCatalog, CustomFieldCommand, CustomFieldEvent> = {
  initialState: { fields: new Map() },
  decide,
  evolve,
};
/** One catalog for all contacts. */
export const CUSTOM_FIELDS_CATALOG_ID = 'contacts';
export const customFieldsAggregate: Aggregate<CustomFieldCatalog, CustomFieldCommand, CustomFieldEvent> = {
  name: 'custom-fields',
  decider: customFieldDecider,
};
