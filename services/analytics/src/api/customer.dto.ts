import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type, type TransformFnParams } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, Max, Min } from 'class-validator';
import { crmContracts, INTERACTION_CHANNELS } from '@crm/contracts';
import { BoundedString, Optional } from '@crm/platform/nest';
import { timelineCategories } from '../application/read-models/customer-events';
import { Rfc3339 } from './time-parameter';

/** Event types that concern a customer: the only ones a timeline holds (each once, whatever its versions). */
export const TIMELINE_EVENT_TYPES = [
  ...new Set(
    crmContracts
      .all()
      .filter((contract) => contract.customerIdField !== undefined)
      .map((contract) => contract.name),
  ),
];

/** The most repeats of one query parameter read as a list: qs reads more of them as an object (its arrayLimit). */
const MAX_REPEATS = 20;

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
  ArrayMaxSize(Math.min(values.length, MAX_REPEATS)),
  IsIn(values, { each: true }),
];

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
