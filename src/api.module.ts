import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { KnowledgeController } from './catalog/knowledge.controller';
import { IntakeService } from './intake/intake.service';
import { TicketsIntakeController } from './intake/tickets-intake.controller';
import { ApiKeyGuard } from './platform/auth/api-key.guard';
import { AllExceptionsFilter } from './platform/errors/all-exceptions.filter';
import { HealthController } from './platform/health/health.controller';
import { TicketsController } from './tickets/tickets.controller';
import { TicketsService } from './tickets/tickets.service';
import { TriagePreviewController } from './triage/triage-preview.controller';

/** The HTTP API: controllers, the global validation pipe, API-key guard and error filter. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, TicketsIntakeController, TicketsController, TriagePreviewController, KnowledgeController],
  providers: [
    IntakeService,
    TicketsService,
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({
        transform: true,
        whitelist: true,
        forbidNonWhitelisted: true,
        stopAtFirstError: false,
      }),
    },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class ApiModule {}
