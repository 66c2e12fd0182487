import { Module } from '@nestjs/common';
import { TriageModule } from '../triage/triage.module';
import { CauseModelReloader } from './cause-model-reloader';
import { CauseModelStore } from './cause-model-store';
import { CauseModelsService } from './cause-models.service';
import { LabelSignalsRepository } from './label-signals.repository';

/** Refits and version switches: the admin CLI's side. */
@Module({
  imports: [TriageModule],
  providers: [CauseModelStore, LabelSignalsRepository, CauseModelsService],
  exports: [CauseModelsService],
})
export class CauseModelsModule {}

/** Keeps a running process (API or worker) on the active cause-model version. */
@Module({ imports: [TriageModule], providers: [CauseModelStore, CauseModelReloader], exports: [CauseModelReloader] })
export class CauseModelReloadModule {}
