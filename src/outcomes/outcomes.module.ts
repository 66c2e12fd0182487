import { Module } from '@nestjs/common';
import { FixStatsService } from './fix-stats.service';
import { OutcomesService } from './outcomes.service';

/** Outcomes of suggested and applied macros, and the fix statistics they move. */
@Module({ providers: [OutcomesService, FixStatsService], exports: [OutcomesService, FixStatsService] })
export class OutcomesModule {}
