import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { PipelineService } from '../pipeline/pipeline.service';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { OutcomesService } from '../outcomes/outcomes.service';
import { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import { EngineService } from '../triage/engine.service';
import { ApiKeyEntity } from './auth/api-key.entity';
import { ApiKeyService } from './auth/api-key.service';
import { AppConfig } from './config/app-config.service';
import { validateEnvironment } from './config/environment';
import { dataSourceOptions } from './database/data-source';
import { loggerParams } from './logging/logging';
import { HotQueries } from './database/hot-queries';
import { MetricsService } from './metrics/metrics.service';
import { JOB_QUEUE_EXPORTS, JOB_QUEUE_IMPORTS, JobQueue } from './queue/job-queue';

/** Logging, Postgres and Redis queues; their factories read the validated configuration. */
const SHARED_IMPORTS = [
  LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (cfg: AppConfig) => loggerParams({ LOG_LEVEL: cfg.get('LOG_LEVEL'), NODE_ENV: cfg.get('NODE_ENV') }),
    providers: [AppConfig],
  }),
  TypeOrmModule.forRootAsync({
    inject: [AppConfig],
    extraProviders: [AppConfig],
    useFactory: (cfg: AppConfig) => dataSourceOptions({ url: cfg.get('DATABASE_URL'), poolSize: cfg.get('DATABASE_POOL_SIZE') }),
  }),
  TypeOrmModule.forFeature([ApiKeyEntity]),
  ...JOB_QUEUE_IMPORTS,
];

const SHARED_SERVICES = [
  AppConfig,
  ApiKeyService,
  PipelineService,
  EngineService,
  HelpdeskRegistry,
  FixStatsService,
  OutcomesService,
  MetricsService,
  HotQueries,
];

/** Configuration, logging, Postgres, Redis queues and the engine: shared by the API and the worker. */
@Global()
@Module({})
export class PlatformModule {
  /** The environment is read when the module is built, not when this file is imported. */
  static forRoot(): DynamicModule {
    return {
      module: PlatformModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }), ...SHARED_IMPORTS],
      providers: [...SHARED_SERVICES, JobQueue.provider()],
      exports: [...SHARED_SERVICES, JobQueue, ...JOB_QUEUE_EXPORTS, TypeOrmModule],
    };
  }
}
