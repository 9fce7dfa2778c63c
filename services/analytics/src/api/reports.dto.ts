import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsTimestamp, IsUuid, OPENAPI_RULE_EXTENSION, Optional } from '@crm/platform/nest';
import { REVENUE_GROUPINGS, type RevenueGrouping } from '../domain/sales/revenue';

const Instant = (description: string, rule?: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      maxLength: 40,
      description,
      ...(rule && { [OPENAPI_RULE_EXTENSION]: rule }),
    } as ApiPropertyOptions),
    Optional(),
    IsString(),
    MaxLength(40),
    IsTimestamp(),
  );

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

/** The one way a report is asked for as CSV (else JSON): `?format=csv`, or `Accept: text/csv`. */
class ReportFormat {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'Else from Accept: CSV when it asks for text/csv, else JSON.' })
  @Optional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class PipelineReportParameters extends ReportFormat {
  @Id('The pipeline.', true)
  pipelineId!: string;

  @Id('Only deals this user owns (at `asOf`, or now).')
  ownerId?: string;

  @Instant('Only deals first opened at or after this time.')
  openedFrom?: string;

  @Instant('Only deals first opened before this time.', 'later than `openedFrom`')
  openedTo?: string;

  @Instant('The pipeline as it stood at this time (every event at or before it had happened); else now.')
  asOf?: string;
}

export class WinRateParameters extends ReportFormat {
  @Id('Only deals of this pipeline.')
  pipelineId?: string;

  @Id('Only deals this user owned when they were closed.')
  ownerId?: string;

  @Instant('Only deals closed at or after this time.')
  from?: string;

  @Instant('Only deals closed before this time.', 'later than `from`')
  to?: string;
}

export class RevenueParameters extends ReportFormat {
  @ApiProperty({ enum: REVENUE_GROUPINGS, description: 'Rows per UTC day, ISO week, month, product or customer.' })
  @IsIn(REVENUE_GROUPINGS)
  by!: RevenueGrouping;

  @Instant('Payments and refunds at or after this time.')
  from?: string;

  @Instant('Payments and refunds before this time.', 'later than `from`')
  to?: string;

  @ApiPropertyOptional({ type: String, pattern: '^[A-Z]{3}$', description: 'Only this currency (ISO 4217).' })
  @Optional()
  @IsString()
  @Matches(/^[A-Z]{3}$/)
  currency?: string;
}
