import { Module } from '@nestjs/common';
import { PackReloader } from './pack-reloader';
import { TriageModule } from './triage.module';

/** Pack reloads (SIGHUP, the admin call through Redis): imported by the API and the worker, one per process. */
@Module({ imports: [TriageModule], providers: [PackReloader], exports: [PackReloader] })
export class PackReloadModule {}
