import type { DealEvent } from '@crm/contracts';
import { stageTimes } from './deal-history';

const dealId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2d01';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2c01';
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const [qualified, proposal] = ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02'];
const names = new Map([
  [qualified, 'Qualified'],
  [proposal, 'Proposal sent'],
]);
const HOUR_MS = 60 * 60 * 1000;
const hour = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * HOUR_MS).toISOString();

const opened: DealEvent = {
  type: 'DealOpened',
  data: {
    dealId,
    pipelineId,
    stageId: qualified,
    contactId,
    title: 'Engines',
    value: { amountMinor: 100, currency: 'EUR' },
    at: hour(0),
  },
};
const moved = (from: string, to: string, at: string): DealEvent => ({
  type: 'DealStageChanged',
  data: { dealId, contactId, pipelineId, fromStageId: from, toStageId: to, at },
});

describe('a deal’s time in each stage', () => {
  it('counts a stay from entering to leaving, and the current one up to now', () =>
    expect(stageTimes([opened, moved(qualified, proposal, hour(5))], names, hour(7))).toEqual([
      { stageId: qualified, name: 'Qualified', enteredAt: hour(0), leftAt: hour(5), durationMs: 5 * HOUR_MS },
      { stageId: proposal, name: 'Proposal sent', enteredAt: hour(5), durationMs: 2 * HOUR_MS },
    ]));

  it('ends the stay when the deal is won or lost, and starts another when it is reopened', () =>
    expect(
      stageTimes(
        [
          opened,
          { type: 'DealLost', data: { dealId, contactId, reason: 'Budget', at: hour(3) } },
          { type: 'DealReopened', data: { dealId, contactId, stageId: proposal, at: hour(10) } },
          { type: 'DealWon', data: { dealId, contactId, value: { amountMinor: 100, currency: 'EUR' }, at: hour(12) } },
        ],
        names,
        hour(20),
      ),
    ).toEqual([
      { stageId: qualified, name: 'Qualified', enteredAt: hour(0), leftAt: hour(3), durationMs: 3 * HOUR_MS },
      { stageId: proposal, name: 'Proposal sent', enteredAt: hour(10), leftAt: hour(12), durationMs: 2 * HOUR_MS },
    ]));
});
