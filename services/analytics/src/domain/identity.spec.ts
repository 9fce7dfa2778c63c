import { ADA, ADA_THIRD, ADA_TWIN, MERGE } from '../testing/events';
import {
  evolveIdentity,
  linkedIdOf,
  MAX_MERGE_DEPTH,
  resolveCustomer,
  type IdentityEvent,
  type IdentityLink,
  type IdentityLinks,
} from './identity';

const OTHER_MERGE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e89';
const LEAD = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1f10';
const DEAL = '5d1f2c3e-8a4b-5c6d-9e0f-1a2b3c4d5e6f';
const event = (
  type: 'ContactMergedInto' | 'ContactUnmerged',
  contactId: string,
  survivorId: string,
  mergeId = MERGE,
): IdentityEvent => ({
  type,
  data: { contactId, survivorId, mergeId, at: '2025-07-01T12:00:00.000Z' },
});

/** The identities read model as a map: merged id → survivor. */
function links(mergedInto: Record<string, string>): IdentityLinks {
  return {
    survivorOf: async (id) => mergedInto[id],
    mergedInto: async (survivors) => Object.keys(mergedInto).filter((id) => survivors.includes(mergedInto[id])),
  };
}

describe('identity links', () => {
  it('point a merged contact at its survivor until the merge is undone', () => {
    const merged = evolveIdentity(undefined, event('ContactMergedInto', ADA_TWIN, ADA));
    expect(merged).toEqual({ contactId: ADA_TWIN, survivorId: ADA, mergeId: MERGE, at: '2025-07-01T12:00:00.000Z' });
    expect(evolveIdentity(merged, event('ContactUnmerged', ADA_TWIN, ADA))).toMatchObject({ survivorId: null });
  });

  it('ignore the undo of an older merge once a newer one is in force', () => {
    const newer: IdentityLink = {
      contactId: ADA_TWIN,
      survivorId: ADA_THIRD,
      mergeId: OTHER_MERGE,
      at: '2025-08-01T00:00:00.000Z',
    };
    expect(evolveIdentity(newer, event('ContactUnmerged', ADA_TWIN, ADA))).toBe(newer);
  });

  describe('a lead’s conversion (ADR 0020)', () => {
    const converted = (contactId: string): IdentityEvent => ({
      type: 'LeadConverted',
      data: {
        leadId: LEAD,
        attempt: 1,
        contactId,
        contactCreated: contactId === LEAD,
        dealId: DEAL,
        at: '2026-03-05T14:00:01.000Z',
      },
    });

    it('point a lead linked to an existing contact at that contact, for good', () => {
      expect(linkedIdOf(converted(ADA))).toBe(LEAD);
      expect(evolveIdentity(undefined, converted(ADA))).toEqual({
        contactId: LEAD,
        survivorId: ADA,
        at: '2026-03-05T14:00:01.000Z',
      });
    });

    it('link nothing for a contact created for the lead: it has the lead’s id, and its history is one already', () => {
      expect(linkedIdOf(converted(LEAD))).toBeUndefined();
    });

    it('link a merged contact under its own id', () => {
      expect(linkedIdOf(event('ContactMergedInto', ADA_TWIN, ADA))).toBe(ADA_TWIN);
    });
  });
});

describe('resolving a customer', () => {
  it('answers an unmerged contact with itself', async () => {
    expect(await resolveCustomer(ADA, links({}))).toEqual({ customerId: ADA, contactIds: [ADA] });
  });

  it('gathers the leads linked to a contact as its merged contacts: their entries join its timeline', async () => {
    expect(await resolveCustomer(ADA, links({ [LEAD]: ADA }))).toEqual({ customerId: ADA, contactIds: [ADA, LEAD] });
    expect(await resolveCustomer(LEAD, links({ [LEAD]: ADA }))).toEqual({
      customerId: ADA,
      mergedInto: ADA,
      contactIds: [ADA, LEAD],
    });
  });

  it('gathers every contact merged into the survivor, recursively', async () => {
    const resolved = await resolveCustomer(ADA, links({ [ADA_TWIN]: ADA, [ADA_THIRD]: ADA_TWIN }));
    expect(resolved).toEqual({ customerId: ADA, contactIds: [ADA, ADA_TWIN, ADA_THIRD] });
  });

  it('answers a merged contact with its survivor (at the end of the chain), marking mergedInto', async () => {
    const resolved = await resolveCustomer(ADA_THIRD, links({ [ADA_TWIN]: ADA, [ADA_THIRD]: ADA_TWIN }));
    expect(resolved).toEqual({ customerId: ADA, mergedInto: ADA, contactIds: [ADA, ADA_TWIN, ADA_THIRD] });
  });

  it('stops at a cycle and at the depth limit instead of looping', async () => {
    expect((await resolveCustomer(ADA, links({ [ADA]: ADA_TWIN, [ADA_TWIN]: ADA }))).contactIds.sort()).toEqual(
      [ADA, ADA_TWIN].sort(),
    );
    const chain = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${i}`, `c${i + 1}`]));
    expect((await resolveCustomer('c0', links(chain))).customerId).toBe(`c${MAX_MERGE_DEPTH}`);
  });
});
