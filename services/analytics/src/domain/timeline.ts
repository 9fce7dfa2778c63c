import { crmContracts, customerIdOf } from '@crm/contracts';
import { withoutUndefined } from '@crm/projections';
import { occurredAtOf, positionKey, type SourceEvent } from './source-event';

export const TIMELINE_CATEGORIES = ['interaction', 'profile', 'consent', 'company', 'merge', 'privacy', 'other'] as const;
export type TimelineCategory = (typeof TIMELINE_CATEGORIES)[number];

const CATEGORY_OF: Readonly<Record<string, TimelineCategory>> = {
  InteractionLogged: 'interaction',
  ContactCreated: 'profile',
  ContactUpdated: 'profile',
  ContactRenamed: 'profile',
  ContactEmailChanged: 'profile',
  ContactArchived: 'profile',
  ContactConsentChanged: 'consent',
  ContactLinkedToCompany: 'company',
  ContactUnlinkedFromCompany: 'company',
  ContactsMerged: 'merge',
  ContactMergeUndone: 'merge',
  ContactMergedInto: 'merge',
  ContactUnmerged: 'merge',
  ContactErased: 'privacy',
};

export const categoryOf = (eventName: string): TimelineCategory => CATEGORY_OF[eventName] ?? 'other';

/** One event in a customer's timeline, stored with its personal data sealed as it arrived (ADR 0007). */
export interface TimelineEntry {
  eventId: string;
  /** The contact the event names (kept under it even when that contact is later merged: resolved when read). */
  customerId: string;
  /** The event name: `InteractionLogged`. */
  type: string;
  /** The producing service. */
  source: string;
  category: TimelineCategory;
  /** Interactions only: `email`, `phone-call`, ... */
  channel?: string;
  direction?: string;
  occurredAt: string;
  recordedAt: string;
  actor?: string;
  correlationId?: string;
  /** The store position, for ties in `occurredAt` (see positionKey). */
  position: string;
  dataVersion: number;
  data: unknown;
}

/** The timeline entry of an event, or undefined when it concerns no customer. Throws for an unknown type or version. */
export function timelineEntryOf(event: SourceEvent): TimelineEntry | undefined {
  const contract = crmContracts.get(event.type, event.dataVersion);
  const customerId = customerIdOf(contract, event.data);
  if (customerId === undefined) return undefined;
  const category = categoryOf(contract.name);
  const data = event.data as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return withoutUndefined({
    eventId: event.id,
    customerId,
    type: contract.name,
    source: contract.service,
    category,
    channel: category === 'interaction' ? text(data.channel) : undefined,
    direction: category === 'interaction' ? text(data.direction) : undefined,
    occurredAt: occurredAtOf(event),
    recordedAt: event.time,
    actor: event.actor,
    correlationId: event.correlationId,
    position: positionKey(event.position),
    dataVersion: event.dataVersion,
    data: event.data,
  });
}

/**
 * The contract check of a timeline event, on a copy with its personal data opened (the entry itself stays sealed):
 * throws ContractViolationError for an event that breaks its contract, which dead-letters it.
 */
export function checkTimelineEvent(opened: SourceEvent): void {
  const contract = crmContracts.get(opened.type, opened.dataVersion);
  if (customerIdOf(contract, opened.data) === undefined) return; // not on the timeline
  // An erased person's values open as null: the rest of the event is still checked (a breach hidden in the
  // erased values themselves can no longer be seen: see docs/analytics.md).
  crmContracts.decode(opened.type, opened.dataVersion, opened.data);
}
