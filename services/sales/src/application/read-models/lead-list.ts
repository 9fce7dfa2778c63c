import {
  LEAD_SOURCES,
  leadStreamContracts,
  type ConversionFailureReason,
  type DisqualificationReason,
  type LeadEvent,
  type LeadSource,
} from '@crm/contracts';
import type { DecodedEvent } from '@crm/messaging';
import { defineProjection } from '@crm/projections';
import { defineListQuery } from '@crm/read-api';

export const LEAD_STATUSES = [
  'new',
  'qualified',
  'disqualified',
  'converting',
  'converted',
  'conversion-failed',
  'erased',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** An event's data as published: personal values sealed with the lead's key, in the version it was written in. */
export interface SealedData {
  type: 'LeadCreated' | 'LeadDisqualified';
  dataVersion: number;
  data: unknown;
}

/**
 * A lead as lists see it: the sales service's own read model, one document per lead. Its personal values stay sealed
 * as published (ADR 0020) and are opened when read: an erasure, by sales or by contacts, hides them without a reaction.
 */
export interface LeadListDocument {
  leadId: string;
  status: LeadStatus;
  source: LeadSource;
  companyName?: string;
  campaignId?: string;
  referredBy?: string;
  ownerId?: string;
  disqualificationReason?: DisqualificationReason;
  /** The latest conversion attempt. */
  attempt?: number;
  /** The contact the person is, once linked. */
  contactId?: string;
  /** The deal a conversion opened. */
  dealId?: string;
  failureReason?: ConversionFailureReason;
  createdAt: string;
  updatedAt: string;
  /** The person and notes (LeadCreated), and the disqualification note, sealed; dropped once the lead is erased. */
  sealed: SealedData[];
}

const later = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

/** Only the personal part of an event's data is kept sealed (with the id, whose key opens it). */
function sealedOf(event: DecodedEvent<LeadEvent>): SealedData {
  const data = event.sealed.data as Record<string, unknown>;
  const personal =
    event.type === 'LeadCreated'
      ? { leadId: data.leadId, person: data.person, ...(data.notes === undefined ? {} : { notes: data.notes }) }
      : { leadId: data.leadId, note: data.note };
  return { type: event.type as SealedData['type'], dataVersion: event.sealed.version, data: personal };
}

export function evolveLeadListDocument(
  doc: LeadListDocument | undefined,
  event: DecodedEvent<LeadEvent>,
): LeadListDocument | null {
  if (event.type === 'LeadCreated') {
    const { leadId, person: _, notes: __, at, ...fields } = event.data;
    return { leadId, ...fields, status: 'new', createdAt: at, updatedAt: at, sealed: [sealedOf(event)] };
  }
  // Every other event follows its lead's LeadCreated in the stream.
  if (!doc) return null;
  const next = { ...doc, updatedAt: later(doc.updatedAt, event.data.at) };
  const withoutNote = next.sealed.filter((sealed) => sealed.type !== 'LeadDisqualified');
  switch (event.type) {
    case 'LeadQualified': {
      const { disqualificationReason: _, ...qualified } = next;
      return { ...qualified, status: 'qualified', sealed: withoutNote };
    }
    case 'LeadDisqualified': {
      const note = event.data.note === undefined ? [] : [sealedOf(event)];
      return { ...next, status: 'disqualified', disqualificationReason: event.data.reason, sealed: [...withoutNote, ...note] };
    }
    case 'LeadOwnerAssigned':
      return { ...next, ownerId: event.data.ownerId };
    case 'LeadConversionRequested': {
      const { failureReason: _, ...converting } = next;
      const { attempt, contactId } = event.data;
      return { ...converting, status: 'converting', attempt, ...(contactId === undefined ? {} : { contactId }) };
    }
    case 'LeadConverted': {
      const { contactId, dealId } = event.data;
      return { ...next, status: 'converted', contactId, dealId };
    }
    case 'LeadConversionFailed': {
      const { reason, contactId } = event.data;
      return { ...next, status: 'conversion-failed', failureReason: reason, ...(contactId === undefined ? {} : { contactId }) };
    }
    case 'LeadErased':
      return { ...next, status: 'erased', sealed: [] };
  }
}

/** The sales service's list of leads: one document per lead, personal values sealed. */
export const leadListProjection = defineProjection({
  name: 'lead-list',
  collection: 'lead_list',
  handles: leadStreamContracts,
  documentId: (event) => event.data.leadId,
  evolve: (doc: LeadListDocument | undefined, event) => evolveLeadListDocument(doc, event),
  // Each list starts with its equality filters and goes on with the default order, newest first; `_id` breaks ties.
  indexes: [
    { fields: { createdAt: 1, _id: 1 } },
    { fields: { updatedAt: 1, _id: 1 } },
    { fields: { status: 1, createdAt: 1, _id: 1 } },
    { fields: { ownerId: 1, createdAt: 1, _id: 1 } },
    { fields: { source: 1, createdAt: 1, _id: 1 } },
    { fields: { ownerId: 1, status: 1, createdAt: 1, _id: 1 } },
  ],
});

/** What the lead list filters and sorts on: not names or e-mail addresses, which it keeps sealed. */
export const leadListQuery = defineListQuery({
  readModel: leadListProjection,
  fields: {
    status: { type: 'enum', values: LEAD_STATUSES },
    ownerId: { type: 'uuid' },
    source: { type: 'enum', values: LEAD_SOURCES },
    createdAt: { type: 'date-time' },
    updatedAt: { type: 'date-time' },
  },
  sortable: ['createdAt', 'updatedAt'],
  defaultSort: '-createdAt',
});
