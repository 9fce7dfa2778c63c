import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, MaxLength, Min } from 'class-validator';
import {
  e164Schema,
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  type InteractionChannel,
  type InteractionDirection,
} from '@crm/contracts';
import { BoundedArray, BoundedString, IsEmailAddress, IsTimestamp, IsUuid, Optional } from '@crm/platform/nest';

export class ParticipantDto {
  @BoundedString(200, { optional: true, minLength: 1 }) name?: string;

  @ApiProperty({ required: false, maxLength: 254 })
  @Optional()
  @MaxLength(254)
  @IsEmailAddress()
  email?: string;

  @BoundedString(16, { optional: true, pattern: new RegExp(e164Schema.pattern!), description: 'E.164.' }) phone?: string;

  @ApiProperty({ required: false, format: 'uuid' })
  @Optional()
  @IsUuid()
  contactId?: string;
}

export class LogInteractionDto {
  @ApiProperty({ format: 'uuid', description: 'The customer; a merged contact’s id logs on its survivor.' })
  @IsUuid()
  contactId!: string;

  @ApiProperty({ enum: INTERACTION_CHANNELS }) @IsIn(INTERACTION_CHANNELS) channel!: InteractionChannel;
  @ApiProperty({ enum: INTERACTION_DIRECTIONS }) @IsIn(INTERACTION_DIRECTIONS) direction!: InteractionDirection;

  @ApiProperty({ description: 'When it happened (RFC 3339).' })
  @IsTimestamp()
  occurredAt!: string;

  @BoundedArray(50, ParticipantDto, { optional: true }) participants?: ParticipantDto[];
  @BoundedString(500, { optional: true, minLength: 1 }) subject?: string;
  @BoundedString(20000, { optional: true, minLength: 1, description: 'Message body or summary.' }) body?: string;

  @ApiProperty({ required: false, minimum: 0, maximum: 86400 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(86400)
  durationSeconds?: number;

  @BoundedString(100, { optional: true, minLength: 1, example: 'answered' }) outcome?: string;
  @BoundedString(200, { optional: true, minLength: 1, description: 'Id in the source system: posting it again creates nothing.' })
  externalId?: string;

  @ApiProperty({ required: false, format: 'uuid' })
  @Optional()
  @IsUuid()
  companyId?: string;
}
