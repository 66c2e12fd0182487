import { Module } from '@nestjs/common';
import { WritebackProcessor } from './helpdesk/writeback.processor';
import { WritebackService } from './helpdesk/writeback.service';
import { InboxSweeperService } from './triage/inbox-sweeper.service';
import { TriageProcessor } from './triage/triage.processor';
import { TriageService } from './triage/triage.service';
import { ReportsWorkerModule } from './reports/reports.module';
import { AuditModule } from './audit/audit.module';
import { PrivacyWorkerModule } from './privacy/privacy.module';
import { PackReloadModule } from './triage/pack-reload.module';
import { HelpdeskModule } from './helpdesk/helpdesk.module';
import { IntakeModule } from './intake/intake.module';
import { OutcomesModule } from './outcomes/outcomes.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { TicketsModule } from './tickets/tickets.module';
import { TriageModule } from './triage/triage.module';

/** Job handlers (registered with the queue port, which starts a worker per queue) and the inbox sweeper: only the worker role loads these. */
@Module({
  imports: [
    TriageModule,
    PipelineModule,
    OutcomesModule,
    HelpdeskModule,
    TicketsModule,
    IntakeModule,
    AuditModule,
    PackReloadModule,
    PrivacyWorkerModule,
    ReportsWorkerModule,
  ],
  providers: [TriageService, TriageProcessor, WritebackService, WritebackProcessor, InboxSweeperService],
})
export class WorkerModule {}
