import type { Aggregate, Decider } from '@crm/eventsourcing';
import type { ContactExternalIdEvent } from '@crm/contracts';

/**
 * Which contact an external id (another system's id of a person) stands for, when not the contact whose id derives
 * from it: one stream per external id, keyed by the id derived from it, so that a lookup is one stream read.
 */
export interface ContactExternalId {
  contactId?: string;
}

export type ContactExternalIdCommand = {
  type: 'RecordContactExternalId';
  data: { externalKey: string; contactId: string; now: string };
};

/** The external id stands for another contact already: moving it would silently re-point every later import. */
export class ExternalIdTaken extends Error {
  override readonly name = 'ExternalIdTaken';
  constructor(readonly contactId: string) {
    super(`The external id stands for contact ${contactId} already`);
  }
}

export function decide(command: ContactExternalIdCommand, state: ContactExternalId): ContactExternalIdEvent[] {
  const { externalKey, contactId, now } = command.data;
  if (state.contactId === contactId) return [];
  if (state.contactId !== undefined) throw new ExternalIdTaken(state.contactId);
  return [{ type: 'ContactExternalIdRecorded', data: { externalKey, contactId, at: now } }];
}

export function evolve(_: ContactExternalId, event: ContactExternalIdEvent): ContactExternalId {
  return { contactId: event.data.contactId };
}

export const contactExternalIdDecider: Decider<ContactExternalId, ContactExternalIdCommand, ContactExternalIdEvent> = {
  initialState: {},
  decide,
  evolve,
};
export const contactExternalIdAggregate: Aggregate<ContactExternalId, ContactExternalIdCommand, ContactExternalIdEvent> = {
  name: 'external-contact-id',
  decider: contactExternalIdDecider,
};
