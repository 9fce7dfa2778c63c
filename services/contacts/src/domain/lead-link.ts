import type { Aggregate, Decider } from '@crm/eventsourcing';
import type { LeadLinkEvent, LeadLinkRefusalReason } from '@crm/contracts';

/**
 * A lead whose conversion could not be linked to the contact it named (ADR 0020): one stream per lead
 * (`lead-link-<leadId>`), so that the refusal shows on the lead's timeline and an erased person's stream gets nothing new.
 */
export interface LeadLink {
  /** The conversion attempts refused, so that one is not answered twice. */
  refusedAttempts: readonly number[];
}

export type LeadLinkCommand = {
  type: 'RefuseLeadLink';
  data: { leadId: string; contactId: string; attempt: number; reason: LeadLinkRefusalReason; now: string };
};

export function decide(command: LeadLinkCommand, state: LeadLink): LeadLinkEvent[] {
  const { leadId, contactId, attempt, reason, now } = command.data;
  if (state.refusedAttempts.includes(attempt)) return [];
  return [{ type: 'LeadLinkRefused', data: { leadId, attempt, contactId, reason, at: now } }];
}

export function evolve(state: LeadLink, event: LeadLinkEvent): LeadLink {
  return { refusedAttempts: [...state.refusedAttempts, event.data.attempt] };
}

export const leadLinkDecider: Decider<LeadLink, LeadLinkCommand, LeadLinkEvent> = {
  initialState: { refusedAttempts: [] },
  decide,
  evolve,
};

export const leadLinkAggregate: Aggregate<LeadLink, LeadLinkCommand, LeadLinkEvent> = {
  name: 'lead-link',
  decider: leadLinkDecider,
};
