import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { ErasureService } from './erasure.service';

const DAY_MS = 24 * 3600 * 1000;
/** The first run waits for the worker to settle. */
const FIRST_RUN_MS = 60_000;

/**
 * With RETENTION_DAYS set, each worker erases the personal data of tickets older than that once a day. Workers
 * running it at once do no harm: the erasure locks each ticket and skips the ones already erased.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly erasure: ErasureService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.get('RETENTION_DAYS') === undefined) return;
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => void this.run().finally(() => schedule(DAY_MS)), ms);
      this.timer.unref();
    };
    schedule(FIRST_RUN_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** One retention pass; a failure is logged and the next day's pass tries again. */
  async run(): Promise<number> {
    const days = this.config.get('RETENTION_DAYS');
    if (days === undefined) return 0;
    try {
      const { tickets } = await this.erasure.eraseOlderThan(days);
      if (tickets > 0) this.logger.log({ tickets, days }, 'personal data of old tickets erased');
      return tickets;
    } catch (err) {
      this.logger.error({ err, days }, 'retention run failed');
      return 0;
    }
  }
}
