import { fold } from '@crm/eventsourcing';
import { spec } from '@crm/eventsourcing/testing';
import type { DealEvent, PipelineStage } from '@crm/contracts';
import {
  DealAlreadyExists,
  DealAlreadyOpen,
  DealClosed,
  dealDecider,
  DealNotFound,
  PipelineMismatch,
  rottingDueAt,
  stayRottingDueAt,
  StageNotInPipeline,
  StageRetired,
  type DealCommand,
  type PipelineSnapshot,
} from './deal';
import { UnknownCurrency } from './money';

const dealId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const companyId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
const ownerId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c4e01';
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const otherPipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a02';
const qualified = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01';
const proposal = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02';
const negotiation = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03';
const retiredStage = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b04';
const otherPipelinesStage = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2c01';
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-05T10:00:00.000Z';
const t3 = '2026-01-09T10:00:00.000Z';

const stages: PipelineStage[] = [
  { stageId: qualified, name: 'Qualified', winProbability: 10, rottingDays: 14 },
  { stageId: proposal, name: 'Proposal sent', winProbability: 40, rottingDays: 3 },
  { stageId: negotiation, name: 'Negotiation', winProbability: 70 },
  { stageId: retiredStage, name: 'Demo', winProbability: 25, rottingDays: 5, retired: true },
];
const pipeline: PipelineSnapshot = { pipelineId, stages };
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

const opened = (overrides: Partial<Extract<DealEvent, { type: 'DealOpened' }>['data']> = {}): DealEvent => ({
  type: 'DealOpened',
  data: { dealId, pipelineId, stageId: qualified, contactId, title: '50 seats', value: eur(1_200_000), at: t1, ...overrides },
});
const moved = (fromStageId: string, toStageId: string, at = t2): DealEvent => ({
  type: 'DealStageChanged',
  data: { dealId, contactId, pipelineId, fromStageId, toStageId, at },
});
const won: DealEvent = { type: 'DealWon', data: { dealId, contactId, value: eur(1_200_000), at: t2 } };
const lostAt = (at: string): DealEvent => ({ type: 'DealLost', data: { dealId, contactId, reason: 'No budget', at } });
const lost = lostAt(t2);
const reopened = (stageId: string, at = t3): DealEvent => ({ type: 'DealReopened', data: { dealId, contactId, stageId, at } });
const rotted = (stageId: string, enteredStageAt: string, rottingDays: number, at: string): DealEvent => ({
  type: 'DealRotted',
  data: { dealId, contactId, stageId, enteredStageAt, rottingDays, at },
});

const openDeal = (data: Partial<Extract<DealCommand, { type: 'OpenDeal' }>['data']> = {}): DealCommand => ({
  type: 'OpenDeal',
  data: { dealId, contactId, pipeline, title: '50 seats', value: eur(1_200_000), now: t1, ...data },
});
const move = (stageId: string, snapshot = pipeline): DealCommand => ({
  type: 'MoveDealStage',
  data: { dealId, pipeline: snapshot, stageId, now: t2 },
});
const update = (
  changes: Extract<DealCommand, { type: 'UpdateDeal' }>['data']['changes'],
  cleared: ('companyId' | 'ownerId' | 'expectedCloseDate')[] = [],
): DealCommand => ({ type: 'UpdateDeal', data: { dealId, changes, cleared, now: t2 } });
const win: DealCommand = { type: 'WinDeal', data: { dealId, now: t2 } };
const lose: DealCommand = { type: 'LoseDeal', data: { dealId, reason: 'No budget', now: t2 } };
const reopen = (stageId?: string): DealCommand => ({ type: 'ReopenDeal', data: { dealId, pipeline, stageId, now: t3 } });
const flagRotting = (stageId: string, enteredStageAt: string, now: string, snapshot = pipeline): DealCommand => ({
  type: 'FlagDealRotting',
  data: { dealId, stageId, enteredStageAt, pipeline: snapshot, now },
});

describe('Deal', () => {
  describe('OpenDeal', () => {
    it('opens the deal in the first stage of its pipeline', () => spec(dealDecider).given([]).when(openDeal()).then([opened()]));

    it('opens it in the stage named, with company, owner and expected close date', () =>
      spec(dealDecider)
        .given([])
        .when(openDeal({ stageId: proposal, companyId, ownerId, expectedCloseDate: '2026-03-31' }))
        .then([opened({ stageId: proposal, companyId, ownerId, expectedCloseDate: '2026-03-31' })]));

    it('starts in the first stage deals can enter when the first one is retired', () =>
      spec(dealDecider)
        .given([])
        .when(openDeal({ pipeline: { pipelineId, stages: [{ ...stages[0], retired: true }, ...stages.slice(1)] } }))
        .then([opened({ stageId: proposal })]));

    it('refuses a stage of another pipeline', () =>
      spec(dealDecider)
        .given([])
        .when(openDeal({ stageId: otherPipelinesStage }))
        .thenThrows(StageNotInPipeline));

    it('refuses a retired stage', () =>
      spec(dealDecider)
        .given([])
        .when(openDeal({ stageId: retiredStage }))
        .thenThrows(StageRetired));

    it('refuses a currency not in use', () =>
      spec(dealDecider)
        .given([])
        .when(openDeal({ value: { amountMinor: 100, currency: 'XXX' } }))
        .thenThrows(UnknownCurrency));

    it('refuses to open the same deal twice', () =>
      spec(dealDecider).given([opened()]).when(openDeal()).thenThrows(DealAlreadyExists));
  });

  describe('UpdateDeal', () => {
    it('records only the fields that change, and the optional ones cleared that had a value', () =>
      spec(dealDecider)
        .given([opened({ companyId })])
        .when(update({ title: '50 seats', value: eur(1_500_000), ownerId }, ['companyId', 'expectedCloseDate']))
        .then([
          {
            type: 'DealUpdated',
            data: { dealId, contactId, changes: { value: eur(1_500_000), ownerId }, cleared: ['companyId'], at: t2 },
          },
        ]));

    it('takes a value in another currency', () =>
      spec(dealDecider)
        .given([opened()])
        .when(update({ value: { amountMinor: 150_000_000, currency: 'JPY' } }))
        .then([
          {
            type: 'DealUpdated',
            data: { dealId, contactId, changes: { value: { amountMinor: 150_000_000, currency: 'JPY' } }, cleared: [], at: t2 },
          },
        ]));

    it('records nothing for the same values', () =>
      spec(dealDecider)
        .given([opened()])
        .when(update({ title: '50 seats', value: { currency: 'EUR', amountMinor: 1_200_000 } }, ['ownerId']))
        .then([]));

    it('refuses a currency not in use', () =>
      spec(dealDecider)
        .given([opened()])
        .when(update({ value: { amountMinor: 1, currency: 'ABC' } }))
        .thenThrows(UnknownCurrency));

    it('refuses to change a won or lost deal', () => {
      spec(dealDecider)
        .given([opened(), won])
        .when(update({ title: 'More seats' }))
        .thenThrows(DealClosed, 'was won');
      spec(dealDecider)
        .given([opened(), lost])
        .when(update({ title: 'More seats' }))
        .thenThrows(DealClosed, 'was lost');
    });

    it('refuses an unknown deal', () =>
      spec(dealDecider)
        .given([])
        .when(update({ title: 'X' }))
        .thenThrows(DealNotFound));
  });

  describe('MoveDealStage', () => {
    it('moves the deal to another stage of its pipeline, forwards or back', () => {
      spec(dealDecider)
        .given([opened()])
        .when(move(negotiation))
        .then([moved(qualified, negotiation)]);
      spec(dealDecider)
        .given([opened(), moved(qualified, negotiation)])
        .when(move(qualified))
        .then([moved(negotiation, qualified)]);
    });

    it('records nothing for the stage it is in', () => spec(dealDecider).given([opened()]).when(move(qualified)).then([]));

    it('records nothing for the stage it is in, even once that stage is retired', () =>
      spec(dealDecider)
        .given([opened({ stageId: retiredStage })])
        .when(move(retiredStage))
        .then([]));

    it('refuses a stage that is not its pipeline’s (of another pipeline, or unknown)', () =>
      spec(dealDecider).given([opened()]).when(move(otherPipelinesStage)).thenThrows(StageNotInPipeline));

    it('refuses a retired stage', () => spec(dealDecider).given([opened()]).when(move(retiredStage)).thenThrows(StageRetired));

    it('refuses another pipeline than the deal’s', () =>
      spec(dealDecider)
        .given([opened()])
        .when(move(proposal, { ...pipeline, pipelineId: otherPipelineId }))
        .thenThrows(PipelineMismatch));

    it('refuses to move a won or lost deal', () => {
      spec(dealDecider).given([opened(), won]).when(move(proposal)).thenThrows(DealClosed);
      spec(dealDecider).given([opened(), lost]).when(move(qualified)).thenThrows(DealClosed);
    });
  });

  describe('WinDeal and LoseDeal', () => {
    it('wins an open deal for its current value', () =>
      spec(dealDecider)
        .given([
          opened(),
          { type: 'DealUpdated', data: { dealId, contactId, changes: { value: eur(900) }, cleared: [], at: t1 } },
        ])
        .when(win)
        .then([{ type: 'DealWon', data: { dealId, contactId, value: eur(900), at: t2 } }]));

    it('loses an open deal, saying why', () => spec(dealDecider).given([opened()]).when(lose).then([lost]));

    it('refuses to win or lose a closed deal', () => {
      spec(dealDecider).given([opened(), won]).when(win).thenThrows(DealClosed);
      spec(dealDecider).given([opened(), won]).when(lose).thenThrows(DealClosed);
      spec(dealDecider).given([opened(), lost]).when(win).thenThrows(DealClosed);
      spec(dealDecider).given([opened(), lost]).when(lose).thenThrows(DealClosed);
    });

    it('refuses an unknown deal', () => spec(dealDecider).given([]).when(win).thenThrows(DealNotFound));
  });

  describe('ReopenDeal', () => {
    it('reopens a won or lost deal in the stage it was closed in', () => {
      spec(dealDecider)
        .given([opened(), won])
        .when(reopen())
        .then([reopened(qualified)]);
      spec(dealDecider)
        .given([opened(), lost])
        .when(reopen())
        .then([reopened(qualified)]);
    });

    it('reopens it in the stage named', () =>
      spec(dealDecider)
        .given([opened(), lost])
        .when(reopen(negotiation))
        .then([reopened(negotiation)]));

    it('refuses the stage it was closed in once that stage is retired: another must be named', () =>
      spec(dealDecider)
        .given([opened({ stageId: retiredStage }), lost])
        .when(reopen())
        .thenThrows(StageRetired));

    it('refuses a stage of another pipeline', () =>
      spec(dealDecider).given([opened(), lost]).when(reopen(otherPipelinesStage)).thenThrows(StageNotInPipeline));

    it('refuses to reopen an open deal', () =>
      spec(dealDecider)
        .given([opened(), lost, reopened(qualified)])
        .when(reopen())
        .thenThrows(DealAlreadyOpen));

    it('lets a reopened deal be moved and won again', () => {
      spec(dealDecider)
        .given([opened(), lost, reopened(qualified)])
        .when(move(proposal))
        .then([moved(qualified, proposal)]);
      spec(dealDecider)
        .given([opened(), lost, reopened(qualified)])
        .when(win)
        .then([{ type: 'DealWon', data: { dealId, contactId, value: eur(1_200_000), at: t2 } }]);
    });
  });

  describe('rotting', () => {
    // Proposal sent rots after 3 days; the deal entered it at t2.
    const inProposal = [opened(), moved(qualified, proposal, t2)];
    const due = '2026-01-08T10:00:00.000Z';

    it('is due the stage’s rotting days after the deal entered it', () => {
      expect(rottingDueAt(fold(dealDecider, inProposal), pipeline)).toBe(due);
      expect(rottingDueAt(fold(dealDecider, [opened()]), pipeline)).toBe('2026-01-15T10:00:00.000Z');
    });

    it('is due in a stage retired since the deal entered it, by that stage’s rotting days', () =>
      expect(rottingDueAt(fold(dealDecider, [opened({ stageId: retiredStage })]), pipeline)).toBe('2026-01-06T10:00:00.000Z'));

    it('is never due in a stage without rotting days, for a closed deal, or once flagged for the stay', () => {
      expect(rottingDueAt(fold(dealDecider, [opened({ stageId: negotiation })]), pipeline)).toBeUndefined();
      expect(rottingDueAt(fold(dealDecider, [...inProposal, won]), pipeline)).toBeUndefined();
      expect(rottingDueAt(fold(dealDecider, [...inProposal, rotted(proposal, t2, 3, due)]), pipeline)).toBeUndefined();
      expect(rottingDueAt(fold(dealDecider, []), pipeline)).toBeUndefined();
    });

    it('is due for a stay the stage’s rotting days after it began, and never in a stage without them', () => {
      expect(stayRottingDueAt(pipeline, proposal, t2)).toBe(due);
      expect(stayRottingDueAt(pipeline, negotiation, t2)).toBeUndefined();
    });

    it('is due again for the next stay, counted from when it began', () =>
      expect(
        rottingDueAt(fold(dealDecider, [...inProposal, rotted(proposal, t2, 3, due), lostAt(due), reopened(proposal)]), pipeline),
      ).toBe('2026-01-12T10:00:00.000Z'));

    it('flags a deal still in the stay the timer was set for', () =>
      spec(dealDecider)
        .given(inProposal)
        .when(flagRotting(proposal, t2, due))
        .then([rotted(proposal, t2, 3, due)]));

    it('knows the stay by its instant, however precisely the timer wrote it', () =>
      spec(dealDecider)
        .given(inProposal)
        .when(flagRotting(proposal, '2026-01-05T10:00:00Z', due))
        .then([rotted(proposal, t2, 3, due)]));

    it('flags nothing twice for the same stay', () =>
      spec(dealDecider)
        .given([...inProposal, rotted(proposal, t2, 3, due)])
        .when(flagRotting(proposal, t2, '2026-01-09T10:00:00.000Z'))
        .then([]));

    it('flags nothing for a stay that is over: moved on, closed, or left and entered again', () => {
      spec(dealDecider)
        .given([...inProposal, moved(proposal, negotiation, t3)])
        .when(flagRotting(proposal, t2, due))
        .then([]);
      spec(dealDecider)
        .given([...inProposal, won])
        .when(flagRotting(proposal, t2, due))
        .then([]);
      spec(dealDecider)
        .given([...inProposal, moved(proposal, qualified, t2), moved(qualified, proposal, t3)])
        .when(flagRotting(proposal, t2, due))
        .then([]);
    });

    it('flags nothing before it is due: the stage’s rotting days were raised since the timer was set', () =>
      spec(dealDecider)
        .given(inProposal)
        .when(
          flagRotting(proposal, t2, due, {
            pipelineId,
            stages: stages.map((s) => (s.stageId === proposal ? { ...s, rottingDays: 10 } : s)),
          }),
        )
        .then([]));

    it('flags nothing once the stage has no rotting days any more', () =>
      spec(dealDecider)
        .given(inProposal)
        .when(flagRotting(proposal, t2, due, { pipelineId, stages: stages.map(({ rottingDays: _, ...s }) => s) }))
        .then([]));

    it('flags nothing for a deal that does not exist', () =>
      spec(dealDecider)
        .given([])
        .when(flagRotting(proposal, t2, due))
        .then([]));
  });
});
