import { Module } from '@nestjs/common';
import { TriageModule } from '../triage/triage.module';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportsController } from './reports.controller';
import { ReportsProcessor } from './reports.processor';
import { ReportsScheduler } from './reports.scheduler';
import { ReportStatisticsRepository } from './report-statistics.repository';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** HTTP side of the weekly reports: read, list, (re)generate. */
@Module({
  imports: [TriageModule],
  controllers: [ReportsController],
  providers: [ReportsService, ReportsRepository, ReportStatisticsRepository, ReportDeliveryService],
})
export class ReportsApiModule {}

/** Worker side: the Monday job scheduler and the processor that generates and delivers. */
@Module({
  imports: [TriageModule],
  providers: [ReportsService, ReportsRepository, ReportStatisticsRepository, ReportDeliveryService, ReportsProcessor, ReportsScheduler],
})
export class ReportsWorkerModule {}
