import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import type { InteractionLoggedData } from '@crm/contracts';
import { newId, streamOf } from '@crm/eventsourcing';
import type { ReadPosition } from '@crm/read-api';
import { InjectRepository, positionIn, type RepositoryOf } from '@crm/service-kit';
import { ExternalIdTaken, interactionAggregate, type Interaction } from '../../domain/interaction';
import { ContactLookup, mergedIdsOf } from '../contact-lookup';
import { contactInteractionsProjection } from '../read-models/contact-interactions';

export interface LoggedInteraction {
  interaction: InteractionLoggedData;
  /** False when its external id was logged before: the first one is answered. */
  created: boolean;
  position: ReadPosition;
}

/** Interactions posted with an external id get a stream id derived from it: posting it twice finds the first. */
const EXTERNAL_INTERACTION_NAMESPACE = '5b0f3f3e-8c1a-4a59-9d6c-1f0e6a3c2b7d';
export const interactionIdFor = (externalId: string): string =>
  uuidv5(`interaction:${externalId}`, EXTERNAL_INTERACTION_NAMESPACE);

/** Logs an interaction (a call, an e-mail, a meeting...) with a contact. */
export class LogInteraction extends Command<LoggedInteraction> {
  constructor(
    readonly input: Omit<InteractionLoggedData, 'interactionId' | 'at'>,
    readonly now: string,
  ) {
    super();
  }
}

/**
 * On the contact it was posted for; with an external id, a repeat for the same person returns the first one (the same
 * person: the contact it was logged on, its survivor, or one merged with it, not undone), and one for anyone else is
 * refused (ExternalIdTaken). For a merged contact it stays on that contact's id (sealed with that person's key), and
 * reads resolve it to the survivor: an undo gives it back with the contact, and erasing that person erases it.
 */
@CommandHandler(LogInteraction)
export class LogInteractionHandler implements ICommandHandler<LogInteraction> {
  constructor(
    @InjectRepository(interactionAggregate) private readonly interactions: RepositoryOf<typeof interactionAggregate>,
    private readonly lookup: ContactLookup,
  ) {}

  async execute({ input, now }: LogInteraction): Promise<LoggedInteraction> {
    const { state: person } = await this.lookup.live(input.contactId); // it exists, is not erased (nor its survivor)
    const interactionId = input.externalId ? interactionIdFor(input.externalId) : newId();
    const result = await this.interactions.handle(
      interactionId,
      { type: 'LogInteraction', data: { interaction: { ...input, interactionId }, now } },
      // An external id seen before finds its stream on the fallback read: the first interaction stands.
      { expectNew: true },
    );
    const { interaction } = result.state as Extract<Interaction, { status: 'logged' }>;
    // Nothing was written for a repeat, so refusing one for another person leaves no trace.
    if (result.events.length === 0 && !mergedIdsOf(person).includes(interaction.contactId))
      throw new ExternalIdTaken(input.externalId!);
    return {
      interaction,
      created: result.events.length > 0,
      position: positionIn(contactInteractionsProjection, interactionId, streamOf(interactionAggregate, interactionId), 0),
    };
  }
}
