import { Module } from '@nestjs/common';
import { WritebackProcessor } from './helpdesk/writeback.processor';
import { WritebackService } from './helpdesk/writeback.service';
import { InboxSweeperService } from './triage/inbox-sweeper.service';
import { TriageProcessor } from './triage/triage.processor';
import { TriageService } from './triage/triage.service';
import { ReportsWorkerModule } from './reports/reports.module';
import { PrivacyWorkerModule } from './privacy/privacy.module';
import { PackReloadModule } from './triage/pack-reload.module';
import { SHARED_FEATURE_MODULES } from './feature-modules';

/** Job handlers (registered with the queue port, which starts a worker per queue) and the inbox sweeper: only the worker role loads these. */
@Module({
  imports: [...SHARED_FEATURE_MODULES, PackReloadModule, PrivacyWorkerModule, ReportsWorkerModule],
  providers: [TriageService, TriageProcessor, WritebackService, WritebackProcessor, InboxSweeperService],
})
export class WorkerModule {}
