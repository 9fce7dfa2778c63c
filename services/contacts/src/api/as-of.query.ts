import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, MaxLength } from 'class-validator';
import { Optional } from '@crm/platform/nest';

export class AsOfQuery {
  @ApiProperty({ required: false, description: 'RFC 3339 time: the contact as it was then.', example: '2026-01-01T00:00:00Z' })
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @MaxLength(40)
  asOf?: string;
}
