import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { CLEARABLE_DEAL_FIELDS, type ClearableDealField } from '@crm/contracts';
import { isCalendarDate } from '@crm/platform';
import { BoundedString, ClearList, IsUuid, Nested, Optional } from '@crm/platform/nest';
import { MoneyDto } from './money.dto';
import { NOT_BLANK } from './text';

// The inputs of the deals' commands.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A day that exists (`2025-02-30` does not), as the contract's `date` format takes it. */
const IsCalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        DATE.test(value) &&
        isCalendarDate(...(value.split('-').map(Number) as [number, number, number])),
      defaultMessage: (args) => `${args?.property ?? 'value'} must be a calendar date that exists: 2025-06-30`,
    },
  });

class DealFieldsDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'The company the deal is with.' })
  @Optional()
  @IsUuid()
  companyId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The user responsible for the deal.' })
  @Optional()
  @IsUuid()
  ownerId?: string;

  @IsCalendarDate()
  @BoundedString(10, { optional: true, pattern: DATE, example: '2025-06-30', rule: 'a calendar date that exists' })
  expectedCloseDate?: string;
}

export class OpenDealDto extends DealFieldsDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID, so that a retried open is harmless.' })
  @Optional()
  @IsUuid()
  dealId?: string;

  @ApiProperty({ format: 'uuid', description: 'The customer (a contact).' })
  @IsUuid()
  contactId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  pipelineId!: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The stage it starts in; the pipeline’s first when absent.' })
  @Optional()
  @IsUuid()
  stageId?: string;

  @BoundedString(200, { minLength: 1, pattern: NOT_BLANK, example: 'Difference engine for the observatory' }) title!: string;

  @Nested(MoneyDto, { description: 'What the deal is worth: integer minor units and currency.' }) value!: MoneyDto;
}

export class UpdateDealDto extends DealFieldsDto {
  @BoundedString(200, { optional: true, minLength: 1, pattern: NOT_BLANK }) title?: string;

  @Nested(MoneyDto, { optional: true }) value?: MoneyDto;

  @ClearList(CLEARABLE_DEAL_FIELDS)
  clear?: ClearableDealField[];
}

export class MoveDealDto {
  @ApiProperty({ format: 'uuid', description: 'A stage of the deal’s pipeline that is not retired.' })
  @IsUuid()
  stageId!: string;
}

export class LoseDealDto {
  @BoundedString(500, { minLength: 1, pattern: NOT_BLANK, example: 'Chose a competitor' }) reason!: string;
}

export class ReopenDealDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'The stage it reopens in; the one it was closed in when absent.' })
  @Optional()
  @IsUuid()
  stageId?: string;
}
