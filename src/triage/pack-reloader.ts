import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, UnprocessableEntityException } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { PackValidationError } from '../knowledge';
import { AppConfig } from '../platform/config/app-config.service';
import { EngineService, type PackSummary } from './engine.service';

/** The Redis channel a pack reload is announced on; every process with the engine listens. */
export function packReloadChannel(queuePrefix: string): string {
  return `${queuePrefix}:packs`;
}

/**
 * Reloads the packs of PACKS_DIR in this process on SIGHUP, and in every process when an admin asks
 * (POST /v1/admin/packs/reload): this process reloads first, so a pack that fails validation is refused with
 * its file and field and nothing is announced; else the reload is announced on Redis and each other process
 * reloads from its own PACKS_DIR. A process whose reload fails keeps its running packs and logs why.
 */
@Injectable()
export class PackReloader implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Packs');
  /** Tells this process's own announcements apart from the others'. */
  private readonly processId = randomUUID();
  private subscriber?: Redis;
  private publisher?: Redis;
  private readonly onSighup = () => {
    this.logger.log('SIGHUP: reloading the packs');
    this.reloadHere();
  };

  constructor(
    private readonly engine: EngineService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    process.on('SIGHUP', this.onSighup);
    const channel = packReloadChannel(this.config.get('QUEUE_PREFIX'));
    const subscriber = new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (ch: string, message: string) => {
      if (ch === channel && message !== this.processId) this.reloadHere();
    });
    subscriber.on('error', (err: Error) => this.logger.debug(`pack channel: ${err.message}`));
    subscriber.subscribe(channel).catch((err: Error) => this.logger.warn(`cannot subscribe to ${channel}: ${err.message}`));
  }

  /** Reloads this process's packs; never throws (a refused set is logged and the running packs stay). */
  reloadHere(): PackSummary[] | null {
    try {
      return this.engine.reload();
    } catch (err) {
      this.logger.error(`packs refused, the running ones stay: ${(err as Error).message}`);
      return null;
    }
  }

  /**
   * The admin call: reload here (422 with the file and field when a pack fails validation), then announce it
   * so every other process reloads too.
   */
  async reloadEverywhere(): Promise<PackSummary[]> {
    let packs: PackSummary[];
    try {
      packs = this.engine.reload();
    } catch (err) {
      // Validation names file and field; anything else that stops a pack compiling is refused the same way.
      const problems =
        err instanceof PackValidationError ? err.problems.map((p) => `${p.file}: ${p.path}: ${p.problem}`) : [(err as Error).message];
      this.logger.error(`packs refused, the running ones stay: ${problems.join('; ')}`);
      throw new UnprocessableEntityException({
        error: {
          code: 'PACK.INVALID',
          message: `The packs in PACKS_DIR were refused; the running packs stay. ${problems[0]}`,
          details: problems,
        },
      });
    }
    try {
      this.publisher ??= new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: 2, enableOfflineQueue: true });
      await this.publisher.publish(packReloadChannel(this.config.get('QUEUE_PREFIX')), this.processId);
    } catch (err) {
      // This process has the new packs; the others keep theirs until they are sent SIGHUP or asked again.
      this.logger.warn(`could not announce the pack reload on Redis: ${(err as Error).message}`);
    }
    return packs;
  }

  async onApplicationShutdown(): Promise<void> {
    process.off('SIGHUP', this.onSighup);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    const publisher = this.publisher;
    this.publisher = undefined;
    if (publisher) await publisher.quit().catch(() => publisher.disconnect());
  }
}
