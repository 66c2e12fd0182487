import { Module } from '@nestjs/common';
import { FastValidationPipe } from './platform/http/fast-validation.pipe';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { AdminController } from './catalog/admin.controller';
import { KnowledgeController } from './catalog/knowledge.controller';
import { InboxReplayService } from './triage/inbox-replay.service';
import { IntakeApiModule } from './intake/intake.module';
import { ApiKeyGuard } from './platform/auth/api-key.guard';
import { KeyThrottlerGuard } from './platform/auth/key-throttler.guard';
import { RateLimitStorageModule, RedisThrottlerStorage } from './platform/auth/redis-throttler.storage';
import { AppConfig } from './platform/config/app-config.service';
import { AllExceptionsFilter } from './platform/errors/all-exceptions.filter';
import { HealthController } from './platform/health/health.controller';
import { MetricsController } from './platform/metrics/metrics.controller';
import { TicketApiModule } from './ticket-api/ticket-api.module';
import { TriagePreviewController } from './triage/triage-preview.controller';
import { ReportsApiModule } from './reports/reports.module';
import { AuditController } from './audit/audit.controller';
import { PrivacyApiModule } from './privacy/privacy.module';
import { PackReloadModule } from './triage/pack-reload.module';
import { SHARED_FEATURE_MODULES } from './feature-modules';

/** The HTTP API: controllers, the global validation pipe, API-key guard and error filter. */
@Module({
  imports: [
    ...SHARED_FEATURE_MODULES,
    PackReloadModule,
    IntakeApiModule,
    TicketApiModule,
    PrivacyApiModule,
    ReportsApiModule,
    TerminusModule.forRoot({ logger: false }),
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [AppConfig, RedisThrottlerStorage],
      useFactory: (cfg: AppConfig, storage: RedisThrottlerStorage) => ({
        throttlers: [
          { name: 'default', ttl: 60_000, limit: cfg.get('RATE_LIMIT_PER_MINUTE') },
          { name: 'ingest', ttl: 60_000, limit: cfg.get('RATE_LIMIT_INGEST_PER_MINUTE') },
        ],
        storage,
      }),
    }),
  ],
  controllers: [HealthController, MetricsController, TriagePreviewController, KnowledgeController, AdminController, AuditController],
  providers: [
    InboxReplayService,
    {
      provide: APP_PIPE,
      useValue: new FastValidationPipe({
        transform: true,
        whitelist: true,
        forbidNonWhitelisted: true,
        stopAtFirstError: false,
      }),
    },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    // Authentication first, so the rate limit counts per key.
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
  ],
})
export class ApiModule {}
