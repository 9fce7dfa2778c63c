import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiJsonResponse, ApiProblemResponse, ParseIdPipe } from '@crm/platform/nest';
import { CustomerProfileQuery, CustomerTimeline } from '../application/queries/customers';
import type { ProfileView, TimelinePage } from '../application/views';
import { TimelineQuery } from './customer.dto';
import { profileView, timelinePage } from './views';

const DEFAULT_LIMIT = 50;

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/timeline')
  @Access('read')
  @ApiOperation({
    summary: "A customer's timeline",
    description:
      'Everything that happened with a customer, newest first (occurredAt, then store position), including the history ' +
      "of the contacts merged into it. A merged contact's id answers with its survivor's timeline (`mergedInto`).",
  })
  @ApiJsonResponse(200, timelinePage)
  @ApiProblemResponse(404, 'No event about this customer has reached analytics')
  timeline(@Param('id', new ParseIdPipe()) id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.queries.execute(
      new CustomerTimeline(id.toLowerCase(), {
        types: query.type,
        channels: query.channel,
        categories: query.category,
        from: query.from,
        to: query.to,
        limit: query.limit ?? DEFAULT_LIMIT,
        cursor: query.cursor,
      }),
    );
  }

  @Get(':id/profile')
  @Access('read')
  @ApiOperation({
    summary: "A customer's profile",
    description:
      "The customer's current facts, with the interactions and sales (lifetime value, purchases, products, open deals) " +
      'of the contacts merged into it.',
  })
  @ApiJsonResponse(200, profileView)
  @ApiProblemResponse(404, 'No event about this customer has reached analytics')
  @ApiProblemResponse(422, "A customer's lifetime value in a currency is beyond what can be counted exactly")
  profile(@Param('id', new ParseIdPipe()) id: string): Promise<ProfileView> {
    return this.queries.execute(new CustomerProfileQuery(id.toLowerCase()));
  }
}
