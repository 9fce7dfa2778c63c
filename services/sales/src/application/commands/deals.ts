import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ClearableDealField } from '@crm/contracts';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { dealAggregate, DealNotFound, type DealCommand, type DealFields, type PipelineSnapshot } from '../../domain/deal';
import { pipelineAggregate, PipelineNotFound } from '../../domain/pipeline';
import { writtenDeal, type DealView } from '../sales-views';

export class OpenDeal extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly contactId: string,
    readonly pipelineId: string,
    readonly stageId: string | undefined,
    readonly fields: DealFields,
    readonly now: string,
  ) {
    super();
  }
}

export class UpdateDeal extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly changes: Partial<DealFields>,
    readonly cleared: ClearableDealField[],
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class MoveDealStage extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly stageId: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class WinDeal extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class LoseDeal extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly reason: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class ReopenDeal extends Command<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly stageId: string | undefined,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** Deal fields as the domain takes them: plain data (a request's DTOs are class instances), the title trimmed. */
export function dealFields<T extends Partial<DealFields>>(fields: T): T {
  const { title, value, ...rest } = fields;
  return {
    ...rest,
    ...(title !== undefined && { title: title.trim() }),
    ...(value !== undefined && { value: { amountMinor: value.amountMinor, currency: value.currency } }),
  } as T;
}

/**
 * The deal use cases. A deal's stage rules need its pipeline: the handler loads it as it is now and hands the domain
 * a snapshot (a concurrent stage change may come after; a deal that entered a stage just retired stays in it).
 */
abstract class DealCommandHandler {
  constructor(
    @InjectRepository(dealAggregate) protected readonly deals: RepositoryOf<typeof dealAggregate>,
    @InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>,
  ) {}

  protected async pipeline(pipelineId: string): Promise<PipelineSnapshot> {
    const { state } = await this.pipelines.load(pipelineId);
    if (state.status === 'none') throw new PipelineNotFound(pipelineId);
    return { pipelineId, stages: state.stages };
  }

  /** The pipeline of an existing deal. */
  protected async pipelineOfDeal(dealId: string): Promise<PipelineSnapshot> {
    const { state } = await this.deals.load(dealId);
    if (state.status === 'none') throw new DealNotFound(dealId);
    return this.pipeline(state.pipelineId);
  }

  protected async run(dealId: string, command: DealCommand, expectedRevision?: number): Promise<Written<DealView>> {
    return writtenDeal(dealId, await this.deals.handle(dealId, command, { expectedRevision }));
  }
}

@CommandHandler(OpenDeal)
export class OpenDealHandler extends DealCommandHandler implements ICommandHandler<OpenDeal> {
  async execute({ dealId, contactId, pipelineId, stageId, fields, now }: OpenDeal): Promise<Written<DealView>> {
    const pipeline = await this.pipeline(pipelineId);
    return this.run(dealId, {
      type: 'OpenDeal',
      data: { ...dealFields(fields), dealId, contactId, pipeline, ...(stageId !== undefined && { stageId }), now },
    });
  }
}

@CommandHandler(UpdateDeal)
export class UpdateDealHandler extends DealCommandHandler implements ICommandHandler<UpdateDeal> {
  execute({ dealId, changes, cleared, now, expectedRevision }: UpdateDeal): Promise<Written<DealView>> {
    return this.run(
      dealId,
      { type: 'UpdateDeal', data: { dealId, changes: dealFields(changes), cleared, now } },
      expectedRevision,
    );
  }
}

@CommandHandler(MoveDealStage)
export class MoveDealStageHandler extends DealCommandHandler implements ICommandHandler<MoveDealStage> {
  async execute({ dealId, stageId, now, expectedRevision }: MoveDealStage): Promise<Written<DealView>> {
    const pipeline = await this.pipelineOfDeal(dealId);
    return this.run(dealId, { type: 'MoveDealStage', data: { dealId, pipeline, stageId, now } }, expectedRevision);
  }
}

@CommandHandler(WinDeal)
export class WinDealHandler extends DealCommandHandler implements ICommandHandler<WinDeal> {
  execute({ dealId, now, expectedRevision }: WinDeal): Promise<Written<DealView>> {
    return this.run(dealId, { type: 'WinDeal', data: { dealId, now } }, expectedRevision);
  }
}

@CommandHandler(LoseDeal)
export class LoseDealHandler extends DealCommandHandler implements ICommandHandler<LoseDeal> {
  execute({ dealId, reason, now, expectedRevision }: LoseDeal): Promise<Written<DealView>> {
    return this.run(dealId, { type: 'LoseDeal', data: { dealId, reason: reason.trim(), now } }, expectedRevision);
  }
}

@CommandHandler(ReopenDeal)
export class ReopenDealHandler extends DealCommandHandler implements ICommandHandler<ReopenDeal> {
  async execute({ dealId, stageId, now, expectedRevision }: ReopenDeal): Promise<Written<DealView>> {
    const pipeline = await this.pipelineOfDeal(dealId);
    return this.run(
      dealId,
      { type: 'ReopenDeal', data: { dealId, pipeline, ...(stageId !== undefined && { stageId }), now } },
      expectedRevision,
    );
  }
}
