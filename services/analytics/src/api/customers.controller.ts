import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, Roles } from '@crm/platform/nest';
import { type Role } from '@crm/platform';
import { CustomerQueries } from '../application/customer-queries';
import type { ProfileView, TimelinePage } from '../application/views';
import { ProfileViewDoc, TimelinePageView, TimelineQuery } from './customer.dto';

/** Who may read analytics: every internal team (admin passes every check anyway); not service tokens. */
export const ANALYTICS_READERS: readonly Role[] = ['admin', 'analyst', 'sales', 'support', 'marketing'];

const DEFAULT_LIMIT = 50;

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomerQueries) {}

  /**
   * Everything that happened with a customer, newest first (occurredAt, then store position), including the history
   * of the contacts merged into it. A merged contact's id answers with its survivor's timeline (`mergedInto`).
   */
  @Get(':id/timeline')
  @Roles(...ANALYTICS_READERS)
  @ApiOkResponse({ type: TimelinePageView })
  @ApiProblemResponse(404, 'No event about this customer has reached analytics')
  timeline(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.customers.timeline(id.toLowerCase(), {
      types: query.type,
      channels: query.channel,
      categories: query.category,
      from: query.from,
      to: query.to,
      limit: query.limit ?? DEFAULT_LIMIT,
      cursor: query.cursor,
    });
  }

  /** The customer's current facts, with the interactions of the contacts merged into it. */
  @Get(':id/profile')
  @Roles(...ANALYTICS_READERS)
  @ApiOkResponse({ type: ProfileViewDoc })
  @ApiProblemResponse(404, 'No event about this customer has reached analytics')
  profile(@Param('id', new ParseUUIDPipe()) id: string): Promise<ProfileView> {
    return this.customers.profile(id.toLowerCase());
  }
}
