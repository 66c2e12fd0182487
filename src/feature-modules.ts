import { AuditModule } from './audit/audit.module';
import { HelpdeskModule } from './helpdesk/helpdesk.module';
import { IntakeModule } from './intake/intake.module';
import { OutcomesModule } from './outcomes/outcomes.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { TicketsModule } from './tickets/tickets.module';
import { TriageModule } from './triage/triage.module';

/** The feature modules every role (API, worker, CLI) builds on; each role adds its own on top. */
export const SHARED_FEATURE_MODULES = [
  TriageModule,
  PipelineModule,
  OutcomesModule,
  HelpdeskModule,
  TicketsModule,
  IntakeModule,
  AuditModule,
];
