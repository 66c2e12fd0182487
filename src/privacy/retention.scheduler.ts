import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { ErasureService } from './erasure.service';

const DAY_MS = 24 * 3600 * 1000;
/** The first run waits for the worker to settle. */
const FIRST_RUN_MS = 60_000;

/**
 * Once a day each worker erases what a triage in flight stored after its ticket was erased and, with
 * RETENTION_DAYS set, the personal data of tickets older than that. Workers running it at once do no harm: the
 * erasure locks each ticket and skips the ones already erased.
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
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => void this.run().finally(() => schedule(DAY_MS)), ms);
      this.timer.unref();
    };
    schedule(FIRST_RUN_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /**
   * One daily pass: results of erased tickets stored after their erasure, then (with RETENTION_DAYS) old
   * tickets. Returns the tickets erased; a failure is logged and the next day's pass tries again.
   */
  async run(): Promise<number> {
    const days = this.config.get('RETENTION_DAYS');
    try {
      const late = await this.erasure.eraseLateResults();
      if (late > 0) this.logger.log({ results: late }, 'triage results stored after their ticket was erased: erased');
      if (days === undefined) return 0;
      const { tickets } = await this.erasure.eraseOlderThan(days);
      if (tickets > 0) this.logger.log({ tickets, days }, 'personal data of old tickets erased');
      return tickets;
    } catch (err) {
      this.logger.error({ err, days }, 'retention run failed');
      return 0;
    }
  }
}
