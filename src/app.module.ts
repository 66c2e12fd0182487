import { DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from './api.module';
import { CauseModelReloadModule } from './cause-models/cause-models.module';
import type { Role } from './platform/config/environment';
import { PlatformModule } from './platform/platform.module';
import { WorkerModule } from './worker.module';

@Module({})
export class AppModule {
  /** `api` serves HTTP, `worker` processes queues, `all` does both in one process. */
  static forRole(role: Role): DynamicModule {
    // Every process runs on the active cause-model version, loaded at start and when it changes.
    const imports: DynamicModule['imports'] = [PlatformModule.forRoot(), CauseModelReloadModule];
    if (role === 'api' || role === 'all') imports.push(ApiModule);
    if (role === 'worker' || role === 'all') imports.push(WorkerModule);
    return { module: AppModule, imports };
  }
}
