import { Module } from '@nestjs/common';
import { PipelineService } from './pipeline.service';

/** The one place that chains intake -> triage -> write-back over the queue port. */
@Module({ providers: [PipelineService], exports: [PipelineService] })
export class PipelineModule {}
