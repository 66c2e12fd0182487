import { Module } from '@nestjs/common';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';
import { PrivacyController } from './privacy.controller';
import { RetentionScheduler } from './retention.scheduler';

/** DELETE /v1/requesters/:email: the API's side of erasure. */
@Module({ controllers: [PrivacyController], providers: [ErasureService, ErasureRepository] })
export class PrivacyApiModule {}

/** The daily RETENTION_DAYS erasure: the worker's side. */
@Module({ providers: [ErasureService, ErasureRepository, RetentionScheduler] })
export class PrivacyWorkerModule {}
