import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { PipelineService } from '../pipeline/pipeline.service';
import { EngineService } from '../triage/engine.service';
import { ApiKeyEntity } from './auth/api-key.entity';
import { ApiKeyService } from './auth/api-key.service';
import { AppConfig } from './config/app-config.service';
import { validateEnvironment } from './config/environment';
import { dataSourceOptions } from './database/data-source';
import { loggerParams } from './logging/logging';
import { QueueName } from './queue/queues';
import { redisConnection } from './queue/redis-options';

const config = ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment });

/** Configuration, logging, Postgres, Redis queues and the engine: shared by the API and the worker. */
@Global()
@Module({
  imports: [
    config,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (cfg: AppConfig) => loggerParams({ LOG_LEVEL: cfg.get('LOG_LEVEL'), NODE_ENV: cfg.get('NODE_ENV') }),
      providers: [AppConfig],
    }),
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      extraProviders: [AppConfig],
      useFactory: (cfg: AppConfig) =>
        dataSourceOptions({ url: cfg.get('DATABASE_URL'), poolSize: cfg.get('DATABASE_POOL_SIZE') }),
    }),
    TypeOrmModule.forFeature([ApiKeyEntity]),
    BullModule.forRootAsync({
      inject: [AppConfig],
      extraProviders: [AppConfig],
      useFactory: (cfg: AppConfig) => ({
        connection: redisConnection(cfg.get('REDIS_URL')),
        prefix: cfg.get('QUEUE_PREFIX'),
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [AppConfig, ApiKeyService, PipelineService, EngineService],
  exports: [AppConfig, ApiKeyService, PipelineService, EngineService, BullModule, TypeOrmModule],
})
export class PlatformModule {}
