import type { Aggregate, Decider } from '@crm/eventsourcing';
import type {
  ConversionFailureReason,
  DisqualificationReason,
  LeadConversionRequestedData,
  LeadCreatedData,
  LeadEvent,
  LeadPerson,
  Money,
} from '@crm/contracts';
import { isCurrencyInUse, UnknownCurrency } from './money';

/** What a conversion attempt asked for, as the lead recorded it. */
export type ConversionRequest = Omit<LeadConversionRequestedData, 'leadId' | 'person' | 'companyName' | 'source' | 'at'> & {
  requestedAt: string;
};

export interface LiveLead {
  leadId: string;
  status: 'new' | 'qualified' | 'disqualified' | 'converting' | 'converted' | 'conversion-failed';
  /** Null once erased with the contact it was converted into (its key is gone): the lead can no longer convert. */
  person: LeadPerson | null;
  notes?: string;
  companyName?: string;
  source: LeadCreatedData['source'];
  campaignId?: string;
  referredBy?: string;
  ownerId?: string;
  disqualification?: { reason: DisqualificationReason; note?: string };
  /** The latest conversion attempt, while converting and after. */
  conversion?: ConversionRequest;
  /** The contact the person is, once known: converted, or linked by an attempt that then failed. */
  contactId?: string;
  converted?: { contactCreated: boolean; dealId: string; at: string };
  failure?: { attempt: number; reason: ConversionFailureReason; detail?: string; at: string };
  createdAt: string;
  updatedAt: string;
}

/**
 * The Lead aggregate: a person who may become a customer, until they are converted into a contact and a deal
 * (ADR 0020). Time and ids (the deal's too) come in with the commands; values arrive normalized.
 */
export type Lead =
  | { status: 'none' }
  | LiveLead
  /** Personal data erased (GDPR): only the id and the times remain. */
  | { status: 'erased'; leadId: string; createdAt: string; erasedAt: string };

export type LeadCommand =
  | { type: 'CreateLead'; data: Omit<LeadCreatedData, 'at'> & { now: string } }
  | { type: 'QualifyLead'; data: { leadId: string; now: string } }
  | { type: 'DisqualifyLead'; data: { leadId: string; reason: DisqualificationReason; note?: string; now: string } }
  | { type: 'AssignLeadOwner'; data: { leadId: string; ownerId: string; now: string } }
  /** Without `ownerId` the lead's owner owns the deal; without `contactId` a contact is created with the lead's id. */
  | {
      type: 'ConvertLead';
      data: {
        leadId: string;
        contactId?: string;
        pipelineId: string;
        dealId: string;
        deal: { title: string; amount: Money };
        ownerId?: string;
        now: string;
      };
    }
  /** Contacts created or linked the contact for this attempt, and the deal is open. */
  | {
      type: 'CompleteConversion';
      data: { leadId: string; attempt: number; contactId: string; contactCreated: boolean; now: string };
    }
  | {
      type: 'FailConversion';
      data: {
        leadId: string;
        attempt: number;
        reason: ConversionFailureReason;
        detail?: string;
        contactId?: string;
        now: string;
      };
    }
  | { type: 'EraseLead'; data: { leadId: string; now: string } };

export class LeadNotFound extends Error {
  override readonly name = 'LeadNotFound';
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} does not exist`);
  }
}

export class LeadAlreadyExists extends Error {
  override readonly name = 'LeadAlreadyExists';
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} already exists`);
  }
}

export class LeadErasedError extends Error {
  override readonly name = 'LeadErasedError';
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} was erased`);
  }
}

/** Only a qualified lead is converted. */
export class LeadNotQualified extends Error {
  override readonly name = 'LeadNotQualified';
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} is not qualified yet`);
  }
}

export class LeadDisqualifiedError extends Error {
  override readonly name = 'LeadDisqualifiedError';
  constructor(readonly leadId: string) {
    super(`Lead ${leadId} is disqualified: qualify it again first`);
  }
}

export class LeadAlreadyConverted extends Error {
  override readonly name = 'LeadAlreadyConverted';
  constructor(
    readonly leadId: string,
    readonly contactId: string,
  ) {
    super(`Lead ${leadId} was converted into contact ${contactId}`);
  }
}

/** While contacts and the deal are on their way, the lead waits for the outcome. */
export class LeadConversionInProgress extends Error {
  override readonly name = 'LeadConversionInProgress';
  constructor(
    readonly leadId: string,
    readonly attempt: number,
  ) {
    super(`Lead ${leadId} is being converted (attempt ${attempt}): wait for it to complete or fail`);
  }
}

/** The person is a contact now: their data is erased with the contact, whose key a lead converted anew shares. */
export class LeadHasContact extends Error {
  override readonly name = 'LeadHasContact';
  constructor(
    readonly leadId: string,
    readonly contactId: string,
  ) {
    super(`Lead ${leadId} is contact ${contactId}: erase the contact instead`);
  }
}

/** A failed attempt had already linked the person to a contact: a retry converts into that contact. */
export class LeadLinkedToAnotherContact extends Error {
  override readonly name = 'LeadLinkedToAnotherContact';
  constructor(
    readonly leadId: string,
    readonly contactId: string,
  ) {
    super(`Lead ${leadId} is already linked to contact ${contactId}`);
  }
}

/** The lead, if it exists and was not erased. */
function existing(state: Lead, leadId: string): LiveLead {
  if (state.status === 'none') throw new LeadNotFound(leadId);
  if (state.status === 'erased') throw new LeadErasedError(leadId);
  return state;
}

/** The lead, if it may still change its course: not being converted, not converted. */
function workable(state: Lead, leadId: string): LiveLead {
  const lead = existing(state, leadId);
  if (lead.status === 'converting') throw new LeadConversionInProgress(leadId, lead.conversion!.attempt);
  if (lead.status === 'converted') throw new LeadAlreadyConverted(leadId, lead.contactId!);
  return lead;
}

/** Whether the lead waits for the outcome of this conversion attempt: a reply to any other changes nothing. */
export const awaitsConversion = (state: Lead, attempt: number): boolean =>
  state.status === 'converting' && state.conversion?.attempt === attempt;

export function decide(command: LeadCommand, state: Lead): LeadEvent[] {
  switch (command.type) {
    case 'CreateLead': {
      const { now, ...lead } = command.data;
      if (state.status !== 'none') throw new LeadAlreadyExists(lead.leadId);
      return [{ type: 'LeadCreated', data: { ...lead, at: now } }];
    }
    case 'QualifyLead': {
      const { leadId, now } = command.data;
      const lead = workable(state, leadId);
      // A failed conversion leaves the lead qualified.
      if (lead.status === 'qualified' || lead.status === 'conversion-failed') return [];
      return [{ type: 'LeadQualified', data: { leadId, at: now } }];
    }
    case 'DisqualifyLead': {
      const { leadId, reason, note, now } = command.data;
      const lead = workable(state, leadId);
      if (lead.status === 'disqualified' && lead.disqualification?.reason === reason && lead.disqualification.note === note) {
        return [];
      }
      return [{ type: 'LeadDisqualified', data: { leadId, reason, ...(note === undefined ? {} : { note }), at: now } }];
    }
    case 'AssignLeadOwner': {
      const { leadId, ownerId, now } = command.data;
      const lead = existing(state, leadId);
      if (lead.status === 'converted') throw new LeadAlreadyConverted(leadId, lead.contactId!);
      if (lead.ownerId === ownerId) return [];
      return [{ type: 'LeadOwnerAssigned', data: { leadId, ownerId, at: now } }];
    }
    case 'ConvertLead':
      return convert(command.data, existing(state, command.data.leadId));
    case 'CompleteConversion': {
      const { leadId, attempt, contactId, contactCreated, now } = command.data;
      const lead = existing(state, leadId);
      if (!awaitsConversion(lead, attempt)) return [];
      return [
        { type: 'LeadConverted', data: { leadId, attempt, contactId, contactCreated, dealId: lead.conversion!.dealId, at: now } },
      ];
    }
    case 'FailConversion': {
      const { leadId, attempt, reason, detail, contactId, now } = command.data;
      if (!awaitsConversion(existing(state, leadId), attempt)) return [];
      const known = { ...(detail === undefined ? {} : { detail }), ...(contactId === undefined ? {} : { contactId }) };
      return [{ type: 'LeadConversionFailed', data: { leadId, attempt, reason, ...known, at: now } }];
    }
    case 'EraseLead': {
      const { leadId, now } = command.data;
      if (state.status === 'none') throw new LeadNotFound(leadId);
      if (state.status === 'erased') return [];
      if (state.status === 'converting') throw new LeadConversionInProgress(leadId, state.conversion!.attempt);
      if (state.contactId) throw new LeadHasContact(leadId, state.contactId);
      return [{ type: 'LeadErased', data: { leadId, at: now } }];
    }
  }
}

function convert(request: Extract<LeadCommand, { type: 'ConvertLead' }>['data'], lead: LiveLead): LeadEvent[] {
  const { leadId, pipelineId, dealId, deal, now } = request;
  if (lead.status === 'converted') throw new LeadAlreadyConverted(leadId, lead.contactId!);
  if (lead.status === 'new') throw new LeadNotQualified(leadId);
  if (lead.status === 'disqualified') throw new LeadDisqualifiedError(leadId);
  if (lead.person === null) throw new LeadErasedError(leadId);
  if (lead.contactId && request.contactId && request.contactId !== lead.contactId) {
    throw new LeadLinkedToAnotherContact(leadId, lead.contactId);
  }
  if (!isCurrencyInUse(deal.amount.currency)) throw new UnknownCurrency(deal.amount.currency);
  const contactId = request.contactId ?? lead.contactId;
  const ownerId = request.ownerId ?? lead.ownerId;
  const asked = { contactId, pipelineId, dealId, deal, ownerId };
  if (lead.status === 'converting') {
    const { attempt, requestedAt: _, ...current } = lead.conversion!;
    if (sameRequest(current, asked)) return [];
    throw new LeadConversionInProgress(leadId, attempt);
  }
  const { companyName, source } = lead;
  return [
    {
      type: 'LeadConversionRequested',
      data: {
        leadId,
        attempt: (lead.conversion?.attempt ?? 0) + 1,
        person: lead.person,
        ...(companyName === undefined ? {} : { companyName }),
        source,
        ...(ownerId === undefined ? {} : { ownerId }),
        ...(contactId === undefined ? {} : { contactId }),
        pipelineId,
        dealId,
        deal,
        at: now,
      },
    },
  ];
}

type Requested = Pick<ConversionRequest, 'contactId' | 'pipelineId' | 'dealId' | 'deal' | 'ownerId'>;

const sameRequest = (a: Requested, b: Requested): boolean =>
  a.contactId === b.contactId &&
  a.pipelineId === b.pipelineId &&
  a.dealId === b.dealId &&
  a.ownerId === b.ownerId &&
  a.deal.title === b.deal.title &&
  a.deal.amount.amountMinor === b.deal.amount.amountMinor &&
  a.deal.amount.currency === b.deal.amount.currency;

/** Personal values open as null once the key is deleted (ADR 0007); a lead's name is always there otherwise. */
const isErased = (person: LeadPerson): boolean => (person.name as unknown) === null;

export function evolve(state: Lead, event: LeadEvent): Lead {
  if (event.type === 'LeadCreated') {
    const { leadId, person, notes, at, ...rest } = event.data;
    const personal = isErased(person) ? { person: null } : { person, ...(notes === undefined ? {} : { notes }) };
    return { ...rest, ...personal, leadId, status: 'new', createdAt: at, updatedAt: at };
  }
  if (state.status === 'none' || state.status === 'erased') return state;
  const lead: LiveLead = { ...state, updatedAt: event.data.at };
  switch (event.type) {
    case 'LeadQualified': {
      const { disqualification: _, ...qualified } = lead;
      return { ...qualified, status: 'qualified' };
    }
    case 'LeadDisqualified': {
      const { reason, note } = event.data;
      // A note reads as null once the lead's personal data is erased.
      const disqualification = typeof note === 'string' ? { reason, note } : { reason };
      return { ...lead, status: 'disqualified', disqualification };
    }
    case 'LeadOwnerAssigned':
      return { ...lead, ownerId: event.data.ownerId };
    case 'LeadConversionRequested': {
      const { attempt, contactId, ownerId, pipelineId, dealId, deal, at } = event.data;
      const { failure: _, ...converting } = lead;
      const conversion = { attempt, contactId, ownerId, pipelineId, dealId, deal, requestedAt: at };
      return { ...converting, status: 'converting', conversion };
    }
    case 'LeadConverted': {
      const { contactId, contactCreated, dealId, at } = event.data;
      return { ...lead, status: 'converted', contactId, converted: { contactCreated, dealId, at } };
    }
    case 'LeadConversionFailed': {
      const { attempt, reason, detail, contactId, at } = event.data;
      return {
        ...lead,
        status: 'conversion-failed',
        failure: { attempt, reason, ...(detail === undefined ? {} : { detail }), at },
        ...(contactId === undefined ? {} : { contactId }),
      };
    }
    case 'LeadErased':
      return { status: 'erased', leadId: lead.leadId, createdAt: lead.createdAt, erasedAt: event.data.at };
  }
}

export const leadDecider: Decider<Lead, LeadCommand, LeadEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const leadAggregate: Aggregate<Lead, LeadCommand, LeadEvent> = {
  name: 'lead',
  decider: leadDecider,
};
