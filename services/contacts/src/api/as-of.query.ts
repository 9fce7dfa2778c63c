import { ApiProperty } from '@nestjs/swagger';
import { IsRfc3339DateTime } from '@crm/platform/nest';
import { IsOptional, MaxLength } from 'class-validator';

export class AsOfQuery {
  @ApiProperty({ required: false, description: 'RFC 3339 time: the contact as it was then.', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsRfc3339DateTime()
  @MaxLength(40)
  asOf?: string;
}
