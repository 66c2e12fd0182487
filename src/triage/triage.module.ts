import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineService } from './engine.service';
import { TriageResultEntity } from './triage-result.entity';

/** The loaded packs and their engines (one EngineService per process) and the triage results' entity. */
@Module({
  imports: [TypeOrmModule.forFeature([TriageResultEntity])],
  providers: [EngineService],
  exports: [EngineService],
})
export class TriageModule {}
