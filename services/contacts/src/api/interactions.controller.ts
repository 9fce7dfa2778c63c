import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { InteractionLoggedData } from '@crm/contracts';
import { ProblemError } from '@crm/platform';
import { Access, ParseIdPipe } from '@crm/platform/nest';
import { POSITION_TOKEN_HEADER, positionToken } from '@crm/read-api';
import { LogInteraction } from '../application/commands/log-interaction';
import { GetInteraction } from '../application/queries/contact-records';
import { LogInteractionDto } from './interaction.dto';

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('v1/interactions')
export class InteractionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Logs an interaction: 201 when new; 200 with the first one when its external id was logged before. */
  @Post()
  @Access('write')
  async log(@Body() body: LogInteractionDto, @Res({ passthrough: true }) response: Response): Promise<InteractionLoggedData> {
    const { participants = [], occurredAt, ...rest } = body;
    const input = { ...rest, participants: participants.map((p) => ({ ...p })), occurredAt: new Date(occurredAt).toISOString() };
    const { interaction, created, position } = await this.commands.execute(new LogInteraction(input, new Date().toISOString()));
    response.status(created ? 201 : 200).location(`/v1/interactions/${interaction.interactionId}`);
    response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
    return interaction;
  }

  @Get(':id')
  @Access('read')
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
