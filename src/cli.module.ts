import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { CauseModelsModule } from './cause-models/cause-models.module';
import { PlatformModule } from './platform/platform.module';
import { InboxReplayService } from './triage/inbox-replay.service';
import { HelpdeskModule } from './helpdesk/helpdesk.module';
import { IntakeModule } from './intake/intake.module';
import { OutcomesModule } from './outcomes/outcomes.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { TicketsModule } from './tickets/tickets.module';
import { TriageModule } from './triage/triage.module';

/** What the admin CLI needs: the shared services, no HTTP and no queue processors. */
@Module({
  imports: [
    PlatformModule.forRoot(),
    TriageModule,
    PipelineModule,
    OutcomesModule,
    HelpdeskModule,
    TicketsModule,
    IntakeModule,
    AuditModule,
    CauseModelsModule,
  ],
  providers: [InboxReplayService],
})
export class CliModule {}
