import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_PIPELINE_STAGES } from '@crm/contracts';
import { BoundedArray, BoundedString, IsUuid, Optional } from '@crm/platform/nest';
import { NOT_BLANK } from './text';

export class PipelineStageDto {
  @ApiProperty({ format: 'uuid', description: 'The stage: deals name it by this id, whatever it is renamed to.' })
  @IsUuid()
  stageId!: string;

  @BoundedString(100, { minLength: 1, pattern: NOT_BLANK, example: 'Qualified' }) name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, description: 'Chance in percent that a deal here is won.' })
  @IsInt()
  @Min(0)
  @Max(100)
  winProbability!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 3650,
    required: false,
    description: 'Days after which a deal here is rotting.',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(3650)
  rottingDays?: number;
}

export class PipelineStagesDto {
  @BoundedArray(MAX_PIPELINE_STAGES, PipelineStageDto, {
    minItems: 1,
    description: 'The stages deals go through, in order; a stage left out is retired, one listed again comes back.',
  })
  stages!: PipelineStageDto[];
}

export class CreatePipelineDto extends PipelineStagesDto {
  @ApiProperty({ required: false, format: 'uuid', description: 'Client-chosen UUID, so that a retried create is harmless.' })
  @Optional()
  @IsUuid()
  pipelineId?: string;

  @BoundedString(100, { minLength: 1, pattern: NOT_BLANK, example: 'New business' }) name!: string;
}

export class RenamePipelineDto {
  @BoundedString(100, { minLength: 1, pattern: NOT_BLANK, example: 'Renewals' }) name!: string;
}
