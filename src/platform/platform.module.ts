import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyEntity } from './auth/api-key.entity';
import { ApiKeyService } from './auth/api-key.service';
import { AppConfig } from './config/app-config.service';
import { validateEnvironment } from './config/environment';
import { dataSourceOptions } from './database/data-source';
import { loggerParams } from './logging/logging';
import { HotQueries } from './database/hot-queries';
import { Transactions } from './database/transactions';
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
    // Entities come from the feature modules' TypeOrmModule.forFeature.
    useFactory: (cfg: AppConfig) => ({
      ...dataSourceOptions({ url: cfg.get('DATABASE_URL'), poolSize: cfg.get('DATABASE_POOL_SIZE') }),
      autoLoadEntities: true,
    }),
  }),
  TypeOrmModule.forFeature([ApiKeyEntity]),
  ...JOB_QUEUE_IMPORTS,
];

const SHARED_SERVICES = [AppConfig, ApiKeyService, MetricsService, HotQueries, Transactions];

/** Infrastructure only (configuration, logging, Postgres, Redis, the queue port, API keys, metrics): shared by every role. */
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
