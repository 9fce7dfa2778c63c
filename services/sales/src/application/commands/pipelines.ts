import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PipelineStageInput } from '@crm/contracts';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { pipelineAggregate, type PipelineCommand } from '../../domain/pipeline';
import { writtenPipeline, type PipelineView } from '../sales-views';

export class CreatePipeline extends Command<Written<PipelineView>> {
  constructor(
    readonly pipelineId: string,
    readonly name: string,
    readonly stages: PipelineStageInput[],
    readonly now: string,
  ) {
    super();
  }
}

export class RenamePipeline extends Command<Written<PipelineView>> {
  constructor(
    readonly pipelineId: string,
    readonly name: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** The stages deals go through from now on; those left out are kept, retired. */
export class ChangePipelineStages extends Command<Written<PipelineView>> {
  constructor(
    readonly pipelineId: string,
    readonly stages: PipelineStageInput[],
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** A stage as the domain takes it: plain data, names trimmed (a request's DTO is a class instance). */
export const stageInputs = (stages: readonly PipelineStageInput[]): PipelineStageInput[] =>
  stages.map(({ stageId, name, winProbability, rottingDays }) => ({
    stageId,
    name: name.trim(),
    winProbability,
    ...(rottingDays !== undefined && { rottingDays }),
  }));

abstract class PipelineCommandHandler {
  constructor(@InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>) {}

  protected async run(pipelineId: string, command: PipelineCommand, expectedRevision?: number): Promise<Written<PipelineView>> {
    return writtenPipeline(pipelineId, await this.pipelines.handle(pipelineId, command, { expectedRevision }));
  }
}

@CommandHandler(CreatePipeline)
export class CreatePipelineHandler extends PipelineCommandHandler implements ICommandHandler<CreatePipeline> {
  execute({ pipelineId, name, stages, now }: CreatePipeline): Promise<Written<PipelineView>> {
    return this.run(pipelineId, {
      type: 'CreatePipeline',
      data: { pipelineId, name: name.trim(), stages: stageInputs(stages), now },
    });
  }
}

@CommandHandler(RenamePipeline)
export class RenamePipelineHandler extends PipelineCommandHandler implements ICommandHandler<RenamePipeline> {
  execute({ pipelineId, name, now, expectedRevision }: RenamePipeline): Promise<Written<PipelineView>> {
    return this.run(pipelineId, { type: 'RenamePipeline', data: { pipelineId, name: name.trim(), now } }, expectedRevision);
  }
}

@CommandHandler(ChangePipelineStages)
export class ChangePipelineStagesHandler extends PipelineCommandHandler implements ICommandHandler<ChangePipelineStages> {
  execute({ pipelineId, stages, now, expectedRevision }: ChangePipelineStages): Promise<Written<PipelineView>> {
    return this.run(
      pipelineId,
      { type: 'ChangePipelineStages', data: { pipelineId, stages: stageInputs(stages), now } },
      expectedRevision,
    );
  }
}
