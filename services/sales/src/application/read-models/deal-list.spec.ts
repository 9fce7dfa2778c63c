import type { DealEvent } from '@crm/contracts';
import { projectionSpec } from '@crm/projections/testing';
import { orderIsIndexed } from '@crm/read-api';
import { dealListProjection, type DealListItem } from './deal-list';

const dealId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const companyId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
const ownerId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c4e01';
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const qualified = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01';
const proposal = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02';
const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T10:00:00.000Z`;
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

const opened: DealEvent = {
  type: 'DealOpened',
  data: {
    dealId,
    pipelineId,
    stageId: qualified,
    contactId,
    title: '50 seats',
    value: eur(1_200_000),
    companyId,
    expectedCloseDate: '2026-03-31',
    at: day(1),
  },
};
const moved = (fromStageId: string, toStageId: string, at: string): DealEvent => ({
  type: 'DealStageChanged',
  data: { dealId, contactId, pipelineId, fromStageId, toStageId, at },
});
const rotted = (stageId: string, enteredStageAt: string, at: string): DealEvent => ({
  type: 'DealRotted',
  data: { dealId, contactId, stageId, enteredStageAt, rottingDays: 3, at },
});
const won = (at: string): DealEvent => ({ type: 'DealWon', data: { dealId, contactId, value: eur(1_500_000), at } });
const lost = (at: string): DealEvent => ({ type: 'DealLost', data: { dealId, contactId, reason: 'No budget', at } });
const reopened = (stageId: string, at: string): DealEvent => ({ type: 'DealReopened', data: { dealId, contactId, stageId, at } });

const openDeal: DealListItem = {
  dealId,
  pipelineId,
  stageId: qualified,
  contactId,
  title: '50 seats',
  value: eur(1_200_000),
  companyId,
  expectedCloseDate: '2026-03-31',
  status: 'open',
  rotting: false,
  stageHistory: [{ stageId: qualified, enteredAt: day(1) }],
  openedAt: day(1),
  updatedAt: day(1),
};

describe('deal list', () => {
  it('lists an opened deal with its fields, in its first stay', () =>
    projectionSpec(dealListProjection)
      .given([opened])
      .then({ [dealId]: openDeal }));

  it('takes an update’s changes and drops the fields it cleared', () =>
    projectionSpec(dealListProjection)
      .given([
        opened,
        {
          type: 'DealUpdated',
          data: {
            dealId,
            contactId,
            changes: { title: '60 seats', ownerId },
            cleared: ['companyId', 'expectedCloseDate'],
            at: day(2),
          },
        },
      ])
      .thenDocument(dealId, {
        dealId,
        pipelineId,
        stageId: qualified,
        contactId,
        title: '60 seats',
        value: eur(1_200_000),
        ownerId,
        status: 'open',
        rotting: false,
        stageHistory: [{ stageId: qualified, enteredAt: day(1) }],
        openedAt: day(1),
        updatedAt: day(2),
      }));

  it('ends a stay when the deal moves, with the whole days it lasted, and starts the next', () =>
    projectionSpec(dealListProjection)
      .given([opened, moved(qualified, proposal, '2026-01-04T09:00:00.000Z')])
      .thenDocument(dealId, {
        ...openDeal,
        stageId: proposal,
        stageHistory: [
          { stageId: qualified, enteredAt: day(1), leftAt: '2026-01-04T09:00:00.000Z', daysInStage: 2 },
          { stageId: proposal, enteredAt: '2026-01-04T09:00:00.000Z' },
        ],
        updatedAt: '2026-01-04T09:00:00.000Z',
      }));

  it('flags a rotting deal, since when it was flagged, until it moves on', () => {
    const rotting = [opened, moved(qualified, proposal, day(2)), rotted(proposal, day(2), day(5))];
    projectionSpec(dealListProjection)
      .given(rotting)
      .thenDocument(dealId, {
        ...openDeal,
        stageId: proposal,
        rotting: true,
        rottingSince: day(5),
        stageHistory: [
          { stageId: qualified, enteredAt: day(1), leftAt: day(2), daysInStage: 1 },
          { stageId: proposal, enteredAt: day(2) },
        ],
        updatedAt: day(5),
      });
    projectionSpec(dealListProjection)
      .given([...rotting, moved(proposal, qualified, day(6))])
      .thenDocument(dealId, {
        ...openDeal,
        rotting: false,
        stageHistory: [
          { stageId: qualified, enteredAt: day(1), leftAt: day(2), daysInStage: 1 },
          { stageId: proposal, enteredAt: day(2), leftAt: day(6), daysInStage: 4 },
          { stageId: qualified, enteredAt: day(6) },
        ],
        updatedAt: day(6),
      });
  });

  it('closes a won deal: its value as won, its last stay ended, no longer rotting', () =>
    projectionSpec(dealListProjection)
      .given([opened, rotted(qualified, day(1), day(4)), won(day(9))])
      .thenDocument(dealId, {
        ...openDeal,
        status: 'won',
        value: eur(1_500_000),
        closedAt: day(9),
        stageHistory: [{ stageId: qualified, enteredAt: day(1), leftAt: day(9), daysInStage: 8 }],
        updatedAt: day(9),
      }));

  it('keeps why a deal was lost, until it is reopened in a new stay', () => {
    const lostDeal: DealListItem = {
      ...openDeal,
      status: 'lost',
      lostReason: 'No budget',
      closedAt: day(3),
      stageHistory: [{ stageId: qualified, enteredAt: day(1), leftAt: day(3), daysInStage: 2 }],
      updatedAt: day(3),
    };
    projectionSpec(dealListProjection)
      .given([opened, lost(day(3))])
      .thenDocument(dealId, lostDeal);
    projectionSpec(dealListProjection)
      .given([opened, lost(day(3)), reopened(proposal, day(10))])
      .thenDocument(dealId, {
        ...openDeal,
        stageId: proposal,
        closedAt: day(3),
        stageHistory: [...lostDeal.stageHistory, { stageId: proposal, enteredAt: day(10) }],
        updatedAt: day(10),
      });
  });

  it('makes no document of events without their DealOpened', () =>
    projectionSpec(dealListProjection)
      .given([moved(qualified, proposal, day(2))])
      .then({}));

  it.each([[['pipelineId', 'stageId']], [['pipelineId']], [['contactId']], [['ownerId']], [[]]])(
    'lists deals narrowed by %j newest opened first, through an index',
    (scope) => {
      expect(orderIsIndexed(dealListProjection.indexes ?? [], { scope, sort: { openedAt: -1, _id: -1 } })).toBe(true);
    },
  );
});
