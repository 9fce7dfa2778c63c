import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CUSTOM_FIELD_TYPES, type CustomFieldDefinedData, type CustomFieldType } from '@crm/contracts';
import { correlationMetadata } from '@crm/platform';
import { BoundedString, BoundedStringArray, Roles } from '@crm/platform/nest';
import { CUSTOM_FIELDS, type CustomFields } from '../application/repositories';
import { CUSTOM_FIELDS_CATALOG_ID } from '../domain/custom-fields';
import { READERS } from './roles';

export class DefineCustomFieldDto {
  @BoundedString(40, { pattern: /^[a-z][a-zA-Z0-9]*$/, example: 'preferredProduct', description: 'camelCase key.' }) key!: string;
  @BoundedString(100, { minLength: 1, example: 'Preferred product' }) label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) @IsIn(CUSTOM_FIELD_TYPES) type!: CustomFieldType;
  @BoundedStringArray(100, 100, { optional: true, minItems: 1, description: 'Select fields: the allowed values.' })
  options?: string[];
}

/** The custom fields contacts may carry; declaring one again changes its label or adds options. */
@ApiTags('custom-fields')
@ApiBearerAuth()
@Controller('v1/custom-fields')
export class CustomFieldsController {
  constructor(@Inject(CUSTOM_FIELDS) private readonly catalog: CustomFields) {}

  @Post()
  @Roles('admin')
  async define(@Body() body: DefineCustomFieldDto): Promise<CustomFieldDefinedData> {
    const { state } = await this.catalog.handle(
      CUSTOM_FIELDS_CATALOG_ID,
      { type: 'DefineCustomField', data: { ...body, now: new Date().toISOString() } },
      { metadata: correlationMetadata() },
    );
    return state.fields.get(body.key) as CustomFieldDefinedData;
  }

  @Get()
  @Roles(...READERS)
  async list(): Promise<{ items: CustomFieldDefinedData[] }> {
    return { items: [...(await this.catalog.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields.values()] };
  }
}
