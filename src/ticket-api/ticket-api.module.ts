import { Module } from '@nestjs/common';
import { OutcomesModule } from '../outcomes/outcomes.module';
import { TriageModule } from '../triage/triage.module';
import { OverridesRepository } from './overrides.repository';
import { OverridesService } from './overrides.service';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

/** The agent ticket API (GET /v1/tickets, a ticket, overrides, outcomes, retriage): its controller, services and repositories. */
@Module({
  imports: [TriageModule, OutcomesModule],
  controllers: [TicketsController],
  providers: [TicketsRepository, TicketsService, OverridesRepository, OverridesService],
})
export class TicketApiModule {}
