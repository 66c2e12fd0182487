import { DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from './api.module';
import type { Role } from './platform/config/environment';
import { PlatformModule } from './platform/platform.module';
import { WorkerModule } from './worker.module';

@Module({})
export class AppModule {
  /** `api` serves HTTP, `worker` processes queues, `all` does both in one process. */
  static forRole(role: Role): DynamicModule {
    const imports: DynamicModule['imports'] = [PlatformModule.forRoot()];
    if (role === 'api' || role === 'all') imports.push(ApiModule);
    if (role === 'worker' || role === 'all') imports.push(WorkerModule);
    return { module: AppModule, imports };
  }
}
