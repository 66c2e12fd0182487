import { Module } from '@nestjs/common';
import { FixStatsRepository } from './fix-stats.repository';
import { FixStatsService } from './fix-stats.service';
import { OutcomeCaptureService } from './outcome-capture.service';
import { OutcomesRepository } from './outcomes.repository';
import { OutcomesService } from './outcomes.service';

/** Outcomes of suggested and applied macros, the helpdesks' signals that set them, and the fix statistics they move. */
@Module({
  providers: [OutcomesRepository, FixStatsRepository, OutcomesService, OutcomeCaptureService, FixStatsService],
  exports: [OutcomesService, OutcomeCaptureService, FixStatsService],
})
export class OutcomesModule {}
