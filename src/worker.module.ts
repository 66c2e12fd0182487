import { Module } from '@nestjs/common';
import { InboxSweeperService } from './triage/inbox-sweeper.service';
import { TriageProcessor } from './triage/triage.processor';
import { TriageService } from './triage/triage.service';

/** Queue processors and the inbox sweeper: only the worker role loads these. */
@Module({
  providers: [TriageService, TriageProcessor, InboxSweeperService],
})
export class WorkerModule {}
