import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomFieldDefinedData, CustomFieldType } from '@crm/contracts';
import { InjectRepository, type RepositoryOf } from '@crm/service-kit';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[];
}

/** Declares a custom field contacts may carry; declaring it again changes its label or adds options. */
export class DefineCustomField extends Command<CustomFieldDefinedData> {
  constructor(
    readonly definition: CustomFieldDefinition,
    readonly now: string,
  ) {
    super();
  }
}

@CommandHandler(DefineCustomField)
export class DefineCustomFieldHandler implements ICommandHandler<DefineCustomField> {
  constructor(@InjectRepository(customFieldsAggregate) private readonly catalog: RepositoryOf<typeof customFieldsAggregate>) {}

  async execute({ definition, now }: DefineCustomField): Promise<CustomFieldDefinedData> {
    const { state } = await this.catalog.handle(CUSTOM_FIELDS_CATALOG_ID, {
      type: 'DefineCustomField',
      data: { ...definition, now },
    });
    return state.fields.get(definition.key) as CustomFieldDefinedData;
  }
}
