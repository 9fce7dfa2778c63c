import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsInt, IsOptional, IsUUID, Max, Min, MaxLength } from 'class-validator';
import { Type } from 'class-transformer';
import { BoundedString, Nested } from '@crm/platform';

export class PersonNameDto {
  @BoundedString(200, { minLength: 1, example: 'Ada' })
  given!: string;

  @BoundedString(200, { example: 'Lovelace', description: 'Empty for a person known by a single name.' })
  family!: string;
}

export class CreateContactDto {
  @ApiProperty({ required: false, description: 'Client-chosen UUID, so that a retried create is harmless.', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @Nested(PersonNameDto)
  name!: PersonNameDto;

  @ApiProperty({ required: false, example: 'ada@example.com', maxLength: 254 })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string;
}

export class UpdateContactDto {
  @Nested(PersonNameDto, { optional: true })
  name?: PersonNameDto;

  @ApiProperty({ required: false, example: 'ada@king.org', maxLength: 254 })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string;
}

export class ListContactsQuery {
  @ApiProperty({ required: false, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @BoundedString(200, { optional: true, description: 'Opaque cursor from a previous page (`next`).' })
  cursor?: string;

  @ApiProperty({ required: false, description: 'Exact e-mail address (case-insensitive).' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  @ApiProperty({ required: false, enum: ['active', 'archived'] })
  @IsOptional()
  @IsIn(['active', 'archived'])
  status?: 'active' | 'archived';
}

export class ContactView {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ type: PersonNameDto }) name!: PersonNameDto;
  @ApiProperty({ required: false }) email?: string;
  @ApiProperty({ enum: ['active', 'archived'] }) status!: 'active' | 'archived';
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Stream revision; also the ETag.' }) revision!: number;
}
