import { ApiProperty } from '@nestjs/swagger';
import { IsTimestamp, Optional } from '@crm/platform/nest';

export class AsOfQuery {
  @ApiProperty({ required: false, description: 'RFC 3339 time: the deal as it was then.', example: '2026-01-01T00:00:00Z' })
  @Optional()
  @IsTimestamp()
  asOf?: string;
}
