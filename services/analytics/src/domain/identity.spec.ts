import { ADA, ADA_THIRD, ADA_TWIN, MERGE } from '../testing/events';
import {
  evolveIdentity,
  MAX_MERGE_DEPTH,
  resolveCustomer,
  type IdentityEvent,
  type IdentityLink,
  type IdentityLinks,
} from './identity';

const OTHER_MERGE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e89';
const event = (type: IdentityEvent['type'], contactId: string, survivorId: string, mergeId = MERGE): IdentityEvent => ({
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
});

describe('resolving a customer', () => {
  it('answers an unmerged contact with itself', async () => {
    expect(await resolveCustomer(ADA, links({}))).toEqual({ customerId: ADA, contactIds: [ADA] });
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
