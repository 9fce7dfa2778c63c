import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { InteractionLoggedData } from '@crm/contracts';
import { now, ProblemError } from '@crm/platform';
import { Access, ApiJsonResponse, ApiProblemResponse, ParseIdPipe, RESPONSE_HEADERS } from '@crm/platform/nest';
import { POSITION_TOKEN_HEADER, positionToken } from '@crm/read-api';
import { LogInteraction } from '../application/commands/log-interaction';
import { GetInteraction } from '../application/queries/contact-records';
import { LogInteractionDto } from './interaction.dto';
import { interaction } from './views';

/** What the log of an interaction answers with, first time or again (its external id seen before). */
const logged = {
  [RESPONSE_HEADERS.location.name]: RESPONSE_HEADERS.location.header,
  [POSITION_TOKEN_HEADER]: {
    description: 'Where the interaction will show in the lists: pass it as `position` to wait until it does.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
  },
};

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('v1/interactions')
export class InteractionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Log an interaction',
    description:
      'On any channel, with a contact: 201 when new; 200 with the first one when its `externalId` was logged before for ' +
      'the same person (the contact, or one merged with it); 409 when it was logged for someone else.',
  })
  @ApiJsonResponse(201, interaction, { description: 'Logged', headers: logged })
  @ApiJsonResponse(200, interaction, { description: 'Logged before (the same externalId): the first one', headers: logged })
  @ApiProblemResponse(404, 'No contact (or company) has this id')
  @ApiProblemResponse(410, 'The contact was erased')
  @ApiProblemResponse(409, 'The externalId was logged before for another contact')
  async log(@Body() body: LogInteractionDto, @Res({ passthrough: true }) response: Response): Promise<InteractionLoggedData> {
    const { participants = [], occurredAt, ...rest } = body;
    const input = { ...rest, participants: participants.map((p) => ({ ...p })), occurredAt: new Date(occurredAt).toISOString() };
    const { interaction, created, position } = await this.commands.execute(new LogInteraction(input, now()));
    response.status(created ? 201 : 200).location(`/v1/interactions/${interaction.interactionId}`);
    response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
    return interaction;
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get an interaction' })
  @ApiJsonResponse(200, interaction)
  @ApiProblemResponse(404, 'No interaction has this id')
  async get(@Param('id', new ParseIdPipe()) id: string): Promise<InteractionLoggedData> {
    const interaction = await this.queries.execute(new GetInteraction(id));
    if (interaction) return interaction;
    throw new ProblemError({
      status: 404,
      type: 'interaction-not-found',
      title: 'Interaction not found',
      detail: `No interaction ${id}`,
    });
  }
}
