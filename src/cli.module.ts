import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { CauseModelsModule } from './cause-models/cause-models.module';
import { PlatformModule } from './platform/platform.module';
import { InboxReplayService } from './triage/inbox-replay.service';

/** What the admin CLI needs: the shared services, no HTTP and no queue processors. */
@Module({ imports: [PlatformModule.forRoot(), AuditModule, CauseModelsModule], providers: [InboxReplayService] })
export class CliModule {}
