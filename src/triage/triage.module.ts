import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PipelineModule } from '../pipeline/pipeline.module';
import { EngineService } from './engine.service';
import { InboxReplayRepository } from './inbox-replay.repository';
import { InboxSweeperRepository } from './inbox-sweeper.repository';
import { RetriageRepository } from './retriage.repository';
import { RetriageService } from './retriage.service';
import { TriageResultEntity } from './triage-result.entity';
import { TriageRepository } from './triage.repository';

/**
 * The loaded packs and their engines (one EngineService per process), the triage results' entity, and the
 * repositories of the triage store, the inbox sweeper and replays (their services are registered by the roles), and
 * RetriageService (a stored ticket triaged again).
 */
@Module({
  imports: [TypeOrmModule.forFeature([TriageResultEntity]), PipelineModule],
  providers: [EngineService, TriageRepository, InboxSweeperRepository, InboxReplayRepository, RetriageRepository, RetriageService],
  exports: [EngineService, TriageRepository, InboxSweeperRepository, InboxReplayRepository, RetriageService],
})
export class TriageModule {}
