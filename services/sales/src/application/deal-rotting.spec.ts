import type { DealEvent } from '@crm/contracts';
import { AggregateRepository, InMemoryEventStore, streamOf, type Aggregate, type DomainEvent } from '@crm/eventsourcing';
import type { ReceivedEvent, Timers } from '@crm/service-kit';
import { timerEventId, type DueTimer, type NewTimer } from '@crm/timers';
import { dealAggregate } from '../domain/deal';
import { pipelineAggregate } from '../domain/pipeline';
import { DealRotting, type DealRottingTimer } from './deal-rotting';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const [proposal, negotiation] = ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03'];
const dealId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2d01';
const contactId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2c01';
const stages = [
  { stageId: proposal, name: 'Proposal', winProbability: 40, rottingDays: 2 },
  { stageId: negotiation, name: 'Negotiation', winProbability: 70 },
];

/** The rotting reactor and timer handler over in-memory streams, with the timers it schedules kept for the test. */
async function rotting(enteredAt: string, rottingDays = 2) {
  const store = new InMemoryEventStore();
  const repository = <S, C, E extends DomainEvent>(aggregate: Aggregate<S, C, E>) =>
    new AggregateRepository(store, aggregate.decider, (id) => streamOf(aggregate, id));
  const pipelines = repository(pipelineAggregate);
  const deals = repository(dealAggregate);
  await pipelines.handle(pipelineId, {
    type: 'CreatePipeline',
    data: { pipelineId, name: 'New business', stages, now: daysAgo(9) },
  });
  const opened = await deals.handle(dealId, {
    type: 'OpenDeal',
    data: {
      dealId,
      contactId,
      pipeline: { pipelineId, stages },
      stageId: proposal,
      title: 'Engines',
      value: { amountMinor: 100, currency: 'EUR' },
      now: enteredAt,
    },
  });
  if (rottingDays !== 2) {
    const changed = stages.map((stage) => (stage.stageId === proposal ? { ...stage, rottingDays } : stage));
    await pipelines.handle(pipelineId, { type: 'ChangePipelineStages', data: { pipelineId, stages: changed, now: daysAgo(1) } });
  }
  const scheduled: NewTimer<DealRottingTimer>[] = [];
  const timers = { schedule: async (timer: NewTimer<DealRottingTimer>) => scheduled.push(timer) > 0 } as unknown as Timers;
  const reactor = new DealRotting(deals, pipelines, timers);
  const received = { ...opened.events[0], revision: 0 } as unknown as ReceivedEvent<never>;
  const rotted = async () =>
    (await store.readStream(streamOf(dealAggregate, dealId))).filter((event) => event.type === 'DealRotted');
  return { reactor, deals, received, scheduled, rotted };
}

const due = (timer: NewTimer<DealRottingTimer>): DueTimer<DealRottingTimer> => ({ ...timer, attempt: 1 });

describe('rotting deals, between the reactor and the timer', () => {
  it('sets a timer for a deal entering a stage with rotting days, named after the entering event, due after them', async () => {
    const enteredAt = daysAgo(3);
    const { reactor, received, scheduled } = await rotting(enteredAt);
    await reactor.watchStay(received);
    await reactor.watchStay(received);
    expect(scheduled).toEqual([
      {
        id: `deal-rotting:${dealId}:0`,
        kind: 'deal-rotting',
        dueAt: new Date(Date.parse(enteredAt) + 2 * DAY_MS),
        payload: { dealId, stageId: proposal, enteredStageAt: enteredAt },
      },
      // A redelivered event asks for the same id: the store keeps the first (`schedule` returns false).
      expect.objectContaining({ id: `deal-rotting:${dealId}:0` }),
    ]);
  });

  it('sets none for a stage without rotting days', async () => {
    const { reactor, scheduled } = await rotting(daysAgo(3));
    const moved = {
      type: 'DealStageChanged',
      data: { dealId, contactId, pipelineId, fromStageId: proposal, toStageId: negotiation, at: daysAgo(1) },
    } satisfies DealEvent;
    await reactor.watchStay({ ...moved, revision: 1 } as unknown as ReceivedEvent<never>);
    expect(scheduled).toEqual([]);
  });

  it('flags the deal when its timer fires, once however often it runs, with the event id derived from the timer', async () => {
    const { reactor, received, scheduled, rotted } = await rotting(daysAgo(3));
    await reactor.watchStay(received);
    await reactor.flag(due(scheduled[0]));
    await reactor.flag(due(scheduled[0]));
    expect((await rotted()).map((event) => event.id)).toEqual([timerEventId(`deal-rotting:${dealId}:0`)]);
  });

  it('flags nothing when the deal moved on before its timer fired', async () => {
    const { reactor, deals, received, scheduled, rotted } = await rotting(daysAgo(3));
    await reactor.watchStay(received);
    await deals.handle(dealId, {
      type: 'MoveDealStage',
      data: { dealId, pipeline: { pipelineId, stages }, stageId: negotiation, now: daysAgo(2) },
    });
    await reactor.flag(due(scheduled[0]));
    expect(await rotted()).toEqual([]);
  });

  it('sets the timer again for the new due time, flagging nothing, when the stage’s rotting days were raised since', async () => {
    const enteredAt = daysAgo(3);
    const { reactor, scheduled, rotted } = await rotting(enteredAt, 5);
    // The timer as it was set when the stage rotted after 2 days.
    const first = {
      id: `deal-rotting:${dealId}:0`,
      kind: 'deal-rotting',
      dueAt: new Date(Date.parse(enteredAt) + 2 * DAY_MS),
      payload: { dealId, stageId: proposal, enteredStageAt: enteredAt },
    };
    await reactor.flag(due(first));
    const later = new Date(Date.parse(enteredAt) + 5 * DAY_MS);
    expect(scheduled).toEqual([{ ...first, id: `deal-rotting:${dealId}:0@${later.toISOString()}`, dueAt: later }]);
    expect(await rotted()).toEqual([]);
  });
});
