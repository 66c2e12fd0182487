import { Module } from '@nestjs/common';
import { CauseModelsModule } from './cause-models/cause-models.module';
import { PlatformModule } from './platform/platform.module';
import { InboxReplayService } from './triage/inbox-replay.service';
import { SHARED_FEATURE_MODULES } from './feature-modules';

/** What the admin CLI needs: the shared services, no HTTP and no queue processors. */
@Module({
  imports: [PlatformModule.forRoot(), ...SHARED_FEATURE_MODULES, CauseModelsModule],
  providers: [InboxReplayService],
})
export class CliModule {}
