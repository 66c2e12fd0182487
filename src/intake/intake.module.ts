import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HelpdeskModule } from '../helpdesk/helpdesk.module';
import { OutcomesModule } from '../outcomes/outcomes.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { TriageModule } from '../triage/triage.module';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import { WEBHOOK_CONTROLLERS } from './helpdesk-webhook.controller';
import { InboxEventEntity } from './inbox-event.entity';
import { IntakeRepository } from './intake.repository';
import { IntakeService } from './intake.service';
import { TicketsIntakeController } from './tickets-intake.controller';

/** The inbox events' entity, for every role. */
@Module({ imports: [TypeOrmModule.forFeature([InboxEventEntity])], exports: [TypeOrmModule] })
export class IntakeModule {}

/** HTTP side of the intake: POST /v1/tickets and one webhook route per helpdesk, and the services behind them. */
@Module({
  imports: [IntakeModule, PipelineModule, OutcomesModule, HelpdeskModule, TriageModule],
  controllers: [TicketsIntakeController, ...Object.values(WEBHOOK_CONTROLLERS)],
  providers: [IntakeRepository, IntakeService, HelpdeskIntakeService],
})
export class IntakeApiModule {}
