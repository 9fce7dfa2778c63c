import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type, type TransformFnParams } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { crmContracts, INTERACTION_CHANNELS } from '@crm/contracts';
import { BoundedString, IsTimestamp, OPENAPI_RULE_EXTENSION, Optional } from '@crm/platform/nest';
import { timelineCategories } from '../application/read-models/customer-events';

/** Event types that concern a customer: the only ones a timeline holds. */
export const TIMELINE_EVENT_TYPES = crmContracts
  .all()
  .filter((contract) => contract.customerIdField !== undefined)
  .map((contract) => contract.name);

/** `?type=A&type=B` and `?type=A,B` both mean A or B; anything but strings is left for the validators to refuse. */
const toList = ({ value }: TransformFnParams): unknown => {
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.flatMap((item) => item.split(','));
  return value;
};

const OneOrSeveral = (values: readonly string[], description: string): PropertyDecorator[] => [
  ApiPropertyOptional({ type: String, isArray: true, enum: values, description }),
  Optional(),
  Transform(toList),
  IsArray(),
  ArrayMaxSize(values.length),
  IsIn(values, { each: true }),
];

const Rfc3339 = (description: string, rule?: string) =>
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

/** Filters and paging of a timeline; any other parameter is refused with a 400 problem. */
export class TimelineQuery {
  @applyDecorators(
    ...OneOrSeveral(TIMELINE_EVENT_TYPES, 'Only these event types (repeat the parameter, or separate with commas).'),
  )
  type?: string[];

  @applyDecorators(...OneOrSeveral(INTERACTION_CHANNELS, 'Only interactions on these channels.'))
  channel?: string[];

  @applyDecorators(...OneOrSeveral(timelineCategories, 'Only these categories of events.'))
  category?: string[];

  @Rfc3339('Entries that occurred at or after this time.')
  from?: string;

  @Rfc3339('Entries that occurred before this time.', 'later than `from`')
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @BoundedString(512, { optional: true, opaque: true, description: 'Opaque cursor from a previous page (`next`).' })
  cursor?: string;
}

export class TimelineItemView {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ format: 'uuid', description: 'The contact the event names (a merged contact keeps its own id).' })
  customerId!: string;
  @ApiProperty({ example: 'InteractionLogged' }) type!: string;
  @ApiProperty({ example: 'contacts', description: 'The producing service.' }) source!: string;
  @ApiProperty({ enum: timelineCategories }) category!: string;
  @ApiProperty({ example: 'Interaction logged', description: 'How the event reads, as its contract presents it.' })
  title!: string;
  @ApiPropertyOptional({ enum: INTERACTION_CHANNELS }) channel?: string;
  @ApiPropertyOptional({ enum: ['inbound', 'outbound', 'internal'] }) direction?: string;
  @ApiProperty({ format: 'date-time', description: "An interaction's occurredAt, else the event's at." }) occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the producing store recorded it.' }) recordedAt!: string;
  @ApiPropertyOptional({ description: 'Who did it (user or service id).' }) actor?: string;
  @ApiPropertyOptional() correlationId?: string;
  @ApiProperty({ description: 'Store position: orders entries that occurred at the same time.' }) position!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's data in its current schema version; personal values are null once the person was erased.",
  })
  data!: Record<string, unknown>;
}

export class CustomerHeaderView {
  @ApiProperty({ format: 'uuid', description: 'The customer answering: the survivor when the requested id was merged.' })
  customerId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Set when the requested contact is merged: the survivor it resolved to.' })
  mergedInto?: string;
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    isArray: true,
    description: 'The survivor, then every contact merged into it: whose histories are combined.',
  })
  contactIds!: string[];
}

export class TimelinePageView extends CustomerHeaderView {
  @ApiProperty({ type: [TimelineItemView] }) items!: TimelineItemView[];
  @ApiPropertyOptional({ description: 'Cursor of the next page; absent on the last one.' }) next?: string;
}

export class ProfileViewDoc extends CustomerHeaderView {
  @ApiProperty({ enum: ['active', 'archived', 'merged', 'erased'] }) status!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Erased customers show nothing else.' }) erasedAt?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'given, family, prefix, middle, suffix' })
  name?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Primary e-mail address.' }) email?: string;
  @ApiPropertyOptional({ description: 'Primary phone number (E.164).' }) phone?: string;
  @ApiPropertyOptional() country?: string;
  @ApiPropertyOptional() locale?: string;
  @ApiPropertyOptional() timezone?: string;
  @ApiPropertyOptional() jobTitle?: string;
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional() lifecycleStage?: string;
  @ApiPropertyOptional({ type: [String] }) tags?: string[];
  @ApiPropertyOptional({ format: 'uuid' }) ownerId?: string;
  @ApiPropertyOptional({ description: 'Company links with the company name: companyId, role, linkedAt, name, companyStatus.' })
  companies?: object[];
  @ApiPropertyOptional({ description: 'Current consent per channel and purpose (the latest `at` wins).' }) consents?: object[];
  @ApiPropertyOptional({ description: 'total, and byChannel: { <channel>: { count, lastAt } }, merged contacts included.' })
  interactions?: object;
  @ApiPropertyOptional({ format: 'date-time' }) firstSeenAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastSeenAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) archivedAt?: string;
}
