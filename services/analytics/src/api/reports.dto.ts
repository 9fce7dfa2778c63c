import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsUuid, Optional } from '@crm/platform/nest';
import { REVENUE_GROUPINGS, type RevenueGrouping } from '../domain/sales/revenue';
import { Rfc3339 } from './time-parameter';

const Id = (description: string, required = false) =>
  applyDecorators(
    required
      ? ApiProperty({ type: String, format: 'uuid', description })
      : ApiPropertyOptional({ type: String, format: 'uuid', description }),
    ...(required ? [] : [Optional()]),
    IsString(),
    MaxLength(36),
    IsUuid(),
  );

/** The one way a report is asked for as CSV (else JSON): `?format=csv`, as every export of the CRM. */
class ReportFormat {
  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv: the rows as a `text/csv` download (the same columns); json (the default): the document.',
  })
  @Optional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class PipelineReportParameters extends ReportFormat {
  @Id('The pipeline.', true)
  pipelineId!: string;

  @Id('Only deals this user owns (at `asOf`, or now).')
  ownerId?: string;

  @Rfc3339('Only deals first opened at or after this time.')
  openedFrom?: string;

  @Rfc3339('Only deals first opened before this time.', 'later than `openedFrom`')
  openedTo?: string;

  @Rfc3339('The pipeline as it stood at this time (every event at or before it had happened); else now.')
  asOf?: string;
}

export class WinRateParameters extends ReportFormat {
  @Id('Only deals of this pipeline.')
  pipelineId?: string;

  @Id('Only deals this user owned when they were closed.')
  ownerId?: string;

  @Rfc3339('Only deals closed at or after this time.')
  from?: string;

  @Rfc3339('Only deals closed before this time.', 'later than `from`')
  to?: string;
}

export class RevenueParameters extends ReportFormat {
  @ApiProperty({ enum: REVENUE_GROUPINGS, description: 'Rows per UTC day, ISO week, month, product or customer.' })
  @IsIn(REVENUE_GROUPINGS)
  by!: RevenueGrouping;

  @Rfc3339('Payments and refunds at or after this time.')
  from?: string;

  @Rfc3339('Payments and refunds before this time.', 'later than `from`')
  to?: string;

  @ApiPropertyOptional({ type: String, pattern: '^[A-Z]{3}$', description: 'Only this currency (ISO 4217).' })
  @Optional()
  @IsString()
  @Matches(/^[A-Z]{3}$/)
  currency?: string;
}
