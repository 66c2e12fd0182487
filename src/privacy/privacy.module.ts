import { Module } from '@nestjs/common';
import { ErasureService } from './erasure.service';
import { PrivacyController } from './privacy.controller';
import { RetentionScheduler } from './retention.scheduler';

/** DELETE /v1/requesters/:email: the API's side of erasure. */
@Module({ controllers: [PrivacyController], providers: [ErasureService] })
export class PrivacyApiModule {}

/** The daily RETENTION_DAYS erasure: the worker's side. */
@Module({ providers: [ErasureService, RetentionScheduler] })
export class PrivacyWorkerModule {}
