import { ModuleRef } from '@nestjs/core';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Aggregate, AggregateRepository, AnyAggregate } from '@crm/eventsourcing';
import {
  historyOf,
  InjectRepository,
  repositoryToken,
  type HistoryEntry,
  type RepositoryOf,
  type Written,
} from '@crm/service-kit';
import { dealAggregate, DealNotFound } from '../../domain/deal';
import { pipelineAggregate } from '../../domain/pipeline';
import { stageTimes, type DealHistory } from '../deal-history';

/** The repository the kit made for `aggregate` (a provider of the service's module, found by its token). */
function repositoryOf<State>(modules: ModuleRef, aggregate: Aggregate<State>): AggregateRepository<State, unknown, never> {
  return modules.get<AggregateRepository<State, unknown, never>>(repositoryToken(aggregate), { strict: false });
}

/**
 * One order, pipeline, product, deal or lead as its stream has it, now or as it was at `asOf`, made a view by
 * `written` (which refuses one that does not exist).
 */
export class GetOne<State, View> extends Query<Written<View>> {
  constructor(
    readonly aggregate: Aggregate<State>,
    readonly written: (id: string, loaded: { state: State; revision: number }) => Written<View>,
    readonly id: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

/** One handler for reading any aggregate: its repository folds the stream (as far as `asOf`). */
@QueryHandler(GetOne)
export class GetOneHandler implements IQueryHandler<GetOne<unknown, unknown>> {
  constructor(private readonly modules: ModuleRef) {}

  async execute({ aggregate, written, id, asOf }: GetOne<unknown, unknown>): Promise<Written<unknown>> {
    return written(id, await repositoryOf(this.modules, aggregate).load(id, asOf));
  }
}

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
    const entries = await repositoryOf(this.modules, aggregate).history(id);
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
