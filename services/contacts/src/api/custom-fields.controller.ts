import { Body, Controller, Get, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CUSTOM_FIELD_TYPES, type CustomFieldDefinedData, type CustomFieldType } from '@crm/contracts';
import { Access, ApiJsonResponse, ApiProblemResponse, BoundedString, BoundedStringArray, Roles } from '@crm/platform/nest';
import { now } from '@crm/platform';
import { DefineCustomField } from '../application/commands/define-custom-field';
import { ListCustomFields } from '../application/queries/companies';
import { customField, itemsOf } from './views';

export class DefineCustomFieldDto {
  @BoundedString(40, { pattern: /^[a-z][a-zA-Z0-9]*$/, example: 'preferredProduct', description: 'camelCase key.' }) key!: string;
  @BoundedString(100, { minLength: 1, example: 'Preferred product' }) label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES, example: 'single-select' }) @IsIn(CUSTOM_FIELD_TYPES) type!: CustomFieldType;
  @BoundedStringArray(100, 100, {
    optional: true,
    minItems: 1,
    minLength: 1,
    unique: true,
    description: 'Select fields: the allowed values.',
    example: ['Engine', 'Loom'],
  })
  options?: string[];
}

/** The custom fields contacts may carry; declaring one again changes its label or adds options. */
@ApiTags('custom-fields')
@ApiBearerAuth()
@Controller('v1/custom-fields')
export class CustomFieldsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Declare a custom field',
    description: 'Or change the label of one, or add options to a select field; its type never changes.',
  })
  @ApiJsonResponse(201, customField, { description: 'Declared, or changed' })
  @ApiProblemResponse(409, 'The field exists with another type')
  @ApiProblemResponse(422, 'The declaration is not possible: options on a field that is no select, or options removed')
  define(@Body() body: DefineCustomFieldDto): Promise<CustomFieldDefinedData> {
    return this.commands.execute(new DefineCustomField({ ...body }, now()));
  }

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'List the custom fields' })
  @ApiJsonResponse(200, itemsOf(customField))
  async list(): Promise<{ items: CustomFieldDefinedData[] }> {
    return { items: await this.queries.execute(new ListCustomFields()) };
  }
}
