import { ModuleRef } from '@nestjs/core';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { AggregateRepository, AnyAggregate } from '@crm/eventsourcing';
import { historyOf, InjectRepository, repositoryToken, type HistoryEntry, type RepositoryOf } from '@crm/service-kit';
import { dealAggregate, DealNotFound } from '../../domain/deal';
import { pipelineAggregate } from '../../domain/pipeline';
import { stageTimes, type DealHistory } from '../deal-history';

/** Every change of one order, pipeline, product, deal or lead (`notFound` when it has no events). */
export class GetHistory extends Query<HistoryEntry[]> {
  constructor(
    readonly aggregate: AnyAggregate,
    readonly id: string,
    readonly notFound: (id: string) => Error,
  ) {
    super();
  }
}

/** One handler for every aggregate's history: its repository reads the stream, its decider tells what changed. */
@QueryHandler(GetHistory)
export class GetHistoryHandler implements IQueryHandler<GetHistory> {
  constructor(private readonly modules: ModuleRef) {}

  async execute({ aggregate, id, notFound }: GetHistory): Promise<HistoryEntry[]> {
    const repository = this.modules.get<AggregateRepository<unknown, unknown, never>>(repositoryToken(aggregate), {
      strict: false,
    });
    const entries = await repository.history(id);
    if (entries.length === 0) throw notFound(id);
    return historyOf(aggregate.decider, entries);
  }
}

/** A deal's history and its time in each stage, named as its pipeline names them now. */
export class GetDealHistory extends Query<DealHistory> {
  constructor(
    readonly dealId: string,
    readonly now: string,
  ) {
    super();
  }
}

@QueryHandler(GetDealHistory)
export class GetDealHistoryHandler implements IQueryHandler<GetDealHistory> {
  constructor(
    @InjectRepository(dealAggregate) private readonly deals: RepositoryOf<typeof dealAggregate>,
    @InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>,
  ) {}

  async execute({ dealId, now }: GetDealHistory): Promise<DealHistory> {
    const entries = await this.deals.history(dealId);
    const [first] = entries;
    if (first?.event.type !== 'DealOpened') throw new DealNotFound(dealId);
    const { state: pipeline } = await this.pipelines.load(first.event.data.pipelineId);
    const names = new Map(pipeline.status === 'none' ? [] : pipeline.stages.map((stage) => [stage.stageId, stage.name]));
    const events = entries.map(({ event }) => event);
    return { items: historyOf(dealAggregate.decider, entries), stages: stageTimes(events, names, now) };
  }
}
