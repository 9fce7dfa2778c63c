import type { ContactMergedIntoData, LeadConvertedData } from '@crm/contracts';

/**
 * Where a contact's id currently resolves: to a survivor while merged into it, to itself otherwise. A lead linked to an
 * existing contact (ADR 0020) resolves to that contact the same way, for good. Histories stay under their own ids;
 * merges, undos and conversions only change these links, so resolving happens when reading.
 */
export interface IdentityLink {
  /** The id that resolves elsewhere: a contact's, or a lead's. */
  contactId: string;
  /** null once the merge was undone. */
  survivorId: string | null;
  /** The merge that links it; absent for a lead, whose link is never undone. */
  mergeId?: string;
  at: string;
}

export type IdentityEvent =
  | { type: 'ContactMergedInto'; data: ContactMergedIntoData }
  | { type: 'ContactUnmerged'; data: ContactMergedIntoData }
  | { type: 'LeadConverted'; data: LeadConvertedData };

/**
 * The id an event links to another, if it does: a merged contact's, or a lead's converted into an existing contact. A
 * contact created for a lead has the lead's id: its history is one already, with nothing to link.
 */
export function linkedIdOf(event: IdentityEvent): string | undefined {
  if (event.type !== 'LeadConverted') return event.data.contactId;
  return event.data.contactId === event.data.leadId ? undefined : event.data.leadId;
}

export function evolveIdentity(link: IdentityLink | undefined, event: IdentityEvent): IdentityLink {
  if (event.type === 'LeadConverted') {
    const { leadId, contactId, at } = event.data;
    return { contactId: leadId, survivorId: contactId, at };
  }
  const { contactId, survivorId, mergeId, at } = event.data;
  if (event.type === 'ContactMergedInto') return { contactId, survivorId, mergeId, at };
  // The undo of an older merge leaves a newer one in force.
  if (link && link.mergeId !== mergeId) return link;
  return { contactId, survivorId: null, mergeId, at };
}

/** Reads the current links (the `identities` read model). */
export interface IdentityLinks {
  /** The survivor `contactId` is merged into, if it is. */
  survivorOf(contactId: string): Promise<string | undefined>;
  /** The contacts currently merged into any of `survivorIds`. */
  mergedInto(survivorIds: readonly string[]): Promise<string[]>;
}

export interface ResolvedCustomer {
  /** The contact whose timeline and profile answer: the end of the merge chain. */
  customerId: string;
  /** Set when the requested id was merged: the survivor it resolved to. */
  mergedInto?: string;
  /** The survivor first, then every contact merged into it (recursively), in the order found. */
  contactIds: string[];
}

/** Merge chains longer than this are cut (and cycles, which a consistent history never has, stop at once). */
export const MAX_MERGE_DEPTH = 10;
/** Bounds the contacts one answer combines. */
export const MAX_MERGED_CONTACTS = 500;

/**
 * The customer an id stands for now: follow "merged into" to the survivor, then gather every contact merged into
 * it, so that a timeline or profile of the survivor holds both histories, and an undo splits them again.
 */
export async function resolveCustomer(requestedId: string, links: IdentityLinks): Promise<ResolvedCustomer> {
  let customerId = requestedId;
  const chain = new Set([requestedId]);
  for (let depth = 0; depth < MAX_MERGE_DEPTH; depth++) {
    const survivor = await links.survivorOf(customerId);
    if (survivor === undefined || chain.has(survivor)) break;
    chain.add(survivor);
    customerId = survivor;
  }
  const contactIds = [customerId];
  let frontier = [customerId];
  for (let depth = 0; depth < MAX_MERGE_DEPTH && frontier.length > 0 && contactIds.length < MAX_MERGED_CONTACTS; depth++) {
    const found = (await links.mergedInto(frontier)).filter((id) => !contactIds.includes(id));
    frontier = found.slice(0, MAX_MERGED_CONTACTS - contactIds.length);
    contactIds.push(...frontier);
  }
  return customerId === requestedId ? { customerId, contactIds } : { customerId, mergedInto: customerId, contactIds };
}
