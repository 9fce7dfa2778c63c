import type { Aggregate, Decider } from '@crm/eventsourcing';
import type { InteractionEvent, InteractionLoggedData } from '@crm/contracts';

/** An interaction with a customer: logged once, never changed (a correction is a new note). */
export type Interaction = { status: 'none' } | { status: 'logged'; interaction: InteractionLoggedData };

export type InteractionCommand = {
  type: 'LogInteraction';
  data: { interaction: Omit<InteractionLoggedData, 'at'>; now: string };
};

/** An external id names one interaction with one person: posted again for someone else, it is refused. */
export class ExternalIdTaken extends Error {
  override readonly name = 'ExternalIdTaken';
  constructor(readonly externalId: string) {
    super(`externalId ${externalId} is already the id of an interaction with another contact`);
  }
}

export function decide(command: InteractionCommand, state: Interaction): InteractionEvent[] {
  // Logged already (an integration posting the same external id again): the first one stands.
  if (state.status === 'logged') return [];
  return [{ type: 'InteractionLogged', data: { ...command.data.interaction, at: command.data.now } }];
}

export function evolve(_: Interaction, event: InteractionEvent): Interaction {
  return { status: 'logged', interaction: event.data };
}

export const interactionDecider: Decider<Interaction, InteractionCommand, InteractionEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const interactionAggregate: Aggregate<Interaction, InteractionCommand, InteractionEvent> = {
  name: 'interaction',
  decider: interactionDecider,
};
