import { ApiProperty } from '@nestjs/swagger';
import { IsIn, MaxLength } from 'class-validator';
import { DISQUALIFICATION_REASONS, LEAD_SOURCES, type DisqualificationReason, type LeadSource } from '@crm/contracts';
import { BoundedString, IsEmailAddress, IsUuid, Nested, Optional } from '@crm/platform/nest';
import { MoneyDto } from './money.dto';
import { NOT_BLANK } from './text';

// The inputs of the leads' commands.

const E164 = /^\+[1-9]\d{1,14}$/;

/** A lead's name, as the contact it may become has it: the given name, and the family name unless known by one name. */
export class LeadNameDto {
  @BoundedString(200, { minLength: 1, pattern: NOT_BLANK, example: 'Ada' }) given!: string;
  @BoundedString(200, { example: 'Lovelace', description: 'Empty for a person known by a single name.' }) family!: string;
}

export class LeadPersonDto {
  @Nested(LeadNameDto) name!: LeadNameDto;

  @ApiProperty({ required: false, example: 'ada@example.com', maxLength: 254, description: 'Stored trimmed, in lower case.' })
  @Optional()
  @MaxLength(254)
  @IsEmailAddress()
  email?: string;

  @BoundedString(16, { optional: true, pattern: E164, example: '+442071234567', rule: 'E.164: + and up to 15 digits' })
  phone?: string;
}

export class CreateLeadDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID, so that a retried create is harmless.' })
  @Optional()
  @IsUuid()
  leadId?: string;

  @Nested(LeadPersonDto, { description: 'Who the lead is: personal data, sealed with the lead’s key.' })
  person!: LeadPersonDto;

  @BoundedString(200, { optional: true, minLength: 1, pattern: NOT_BLANK, example: 'Analytical Engines Ltd' })
  companyName?: string;

  @ApiProperty({ enum: LEAD_SOURCES, description: 'Where the lead came from.' })
  @IsIn(LEAD_SOURCES)
  source!: LeadSource;

  @ApiProperty({ required: false, format: 'uuid', description: 'The marketing campaign it answered.' })
  @Optional()
  @IsUuid()
  campaignId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The contact who referred them.' })
  @Optional()
  @IsUuid()
  referredBy?: string;

  @BoundedString(5000, { optional: true, minLength: 1, pattern: NOT_BLANK, description: 'Free text about the person.' })
  notes?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The user who works the lead.' })
  @Optional()
  @IsUuid()
  ownerId?: string;
}

export class DisqualifyLeadDto {
  @ApiProperty({ enum: DISQUALIFICATION_REASONS, description: 'Why, as reports count it.' })
  @IsIn(DISQUALIFICATION_REASONS)
  reason!: DisqualificationReason;

  @BoundedString(1000, { optional: true, minLength: 1, pattern: NOT_BLANK, description: 'More on the reason (personal data).' })
  note?: string;
}

export class AssignLeadOwnerDto {
  @ApiProperty({ format: 'uuid', description: 'The user who works the lead from now on.' })
  @IsUuid()
  ownerId!: string;
}

export class ConvertLeadDto {
  @ApiProperty({ format: 'uuid', description: 'The pipeline the deal opens in, in its first stage.' })
  @IsUuid()
  pipelineId!: string;

  @BoundedString(200, { minLength: 1, pattern: NOT_BLANK, example: 'Reporting module, 25 seats' }) title!: string;

  @Nested(MoneyDto, { description: 'What the deal is worth: integer minor units and currency.' }) value!: MoneyDto;

  @ApiProperty({
    required: false,
    format: 'uuid',
    description: 'An existing contact who is this person, to link; without it a contact is created with the lead’s id.',
  })
  @Optional()
  @IsUuid()
  contactId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The deal’s owner; the lead’s owner when absent.' })
  @Optional()
  @IsUuid()
  ownerId?: string;
}
