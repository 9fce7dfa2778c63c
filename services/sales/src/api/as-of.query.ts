import { ApiProperty } from '@nestjs/swagger';
import { IsTimestamp, Optional } from '@crm/platform/nest';

/** `?asOf=`: any sales aggregate read as it was at a time, from its own events. */
export class AsOfQuery {
  @ApiProperty({ required: false, description: 'RFC 3339 time: as it was then.', example: '2026-01-01T00:00:00Z' })
  @Optional()
  @IsTimestamp()
  asOf?: string;
}

/** The time `?asOf=` names, if any. */
export const asOfTime = ({ asOf }: AsOfQuery): Date | undefined => (asOf ? new Date(asOf) : undefined);
