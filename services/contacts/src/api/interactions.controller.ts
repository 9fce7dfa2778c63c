import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { InteractionLoggedData } from '@crm/contracts';
import { ProblemError } from '@crm/platform';
import { Roles } from '@crm/platform/nest';
import { POSITION_TOKEN_HEADER, positionToken } from '@crm/read-api';
import { interactionStream } from '../domain/interaction';
import { INTERACTION_INDEX_COLLECTION } from '../infrastructure/contact-interactions.projection';
import { ContactWorkflows } from '../application/contact-workflows';
import { INTERACTIONS, type Interactions } from '../application/repositories';
import { LogInteractionDto } from './interaction.dto';
import { READERS, WRITERS } from './roles';

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('v1/interactions')
export class InteractionsController {
  constructor(
    private readonly workflows: ContactWorkflows,
    @Inject(INTERACTIONS) private readonly interactions: Interactions,
  ) {}

  /** Logs an interaction: 201 when new; 200 with the first one when its external id was logged before. */
  @Post()
  @Roles(...WRITERS)
  async log(@Body() body: LogInteractionDto, @Res({ passthrough: true }) response: Response): Promise<InteractionLoggedData> {
    const { participants = [], occurredAt, ...rest } = body;
    const { interaction, created } = await this.workflows.logInteraction(
      { ...rest, participants: participants.map((p) => ({ ...p })), occurredAt: new Date(occurredAt).toISOString() },
      new Date().toISOString(),
    );
    response.status(created ? 201 : 200).location(`/v1/interactions/${interaction.interactionId}`);
    const { interactionId } = interaction;
    const position = {
      collection: INTERACTION_INDEX_COLLECTION,
      documentId: interactionId,
      stream: interactionStream(interactionId),
      revision: 0,
    };
    response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
    return interaction;
  }

  @Get(':id')
  @Roles(...READERS)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<InteractionLoggedData> {
    const { state } = await this.interactions.load(id);
    if (state.status === 'none') {
      throw new ProblemError({
        status: 404,
        type: 'interaction-not-found',
        title: 'Interaction not found',
        detail: `No interaction ${id}`,
      });
    }
    return state.interaction;
  }
}
