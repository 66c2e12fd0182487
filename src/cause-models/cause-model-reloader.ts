import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../platform/config/app-config.service';
import { EngineService } from '../triage/engine.service';
import { CauseModelStore, causeModelChannel, SHIPPED_VERSION } from './cause-model-store';

/** A switch announced on Redis is picked up at once; this catches one whose message was missed. */
export const CAUSE_MODEL_CHECK_MS = 30_000;

/**
 * Keeps this process on the active cause-model version: loaded at start, again when a switch is announced on
 * Redis, and checked every 30 s. A version whose weights do not validate is refused (logged once) and the
 * engine in use stays.
 */
@Injectable()
export class CauseModelReloader implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CauseModels');
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  /** One check at a time; a check asked for meanwhile runs after it. */
  private running: Promise<void> = Promise.resolve();
  private refused?: string;
  private stopped = false;

  constructor(
    private readonly engine: EngineService,
    private readonly store: CauseModelStore,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), CAUSE_MODEL_CHECK_MS);
    this.timer.unref();
    const channel = causeModelChannel(this.config.get('QUEUE_PREFIX'));
    const subscriber = new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (ch: string) => ch === channel && void this.check());
    // After a reconnect, a switch announced while away is caught at once rather than at the next tick.
    subscriber.on('ready', () => void this.check());
    subscriber.on('error', (err: Error) => this.logger.debug(`cause model channel: ${err.message}`));
    subscriber.subscribe(channel).catch((err: Error) => this.logger.warn(`cannot subscribe to ${channel}: ${err.message}`));
  }

  /** Loads the active version if it is not the one in use. Never throws. */
  check(): Promise<void> {
    const next = this.running.then(() => this.load());
    this.running = next;
    return next;
  }

  private async load(): Promise<void> {
    if (this.stopped) return;
    let version: string;
    try {
      version = await this.store.activeVersion();
    } catch (err) {
      this.logger.warn(`cannot read the active cause model: ${(err as Error).message}`);
      return;
    }
    if (version === this.engine.weightsVersion) {
      this.refused = undefined;
      return;
    }
    if (version === this.refused) return;
    try {
      const weights = version === SHIPPED_VERSION ? undefined : await this.store.weightsOf(version);
      if (version !== SHIPPED_VERSION && weights === undefined) throw new Error('its row is gone');
      if (weights !== undefined && (weights as { version?: unknown }).version !== version) {
        throw new Error(`its weights are labelled version ${String((weights as { version?: unknown }).version)}`);
      }
      const before = this.engine.modelVersion;
      const now = this.engine.useWeights(weights, `cause model ${version}`);
      this.refused = undefined;
      this.logger.log(`cause model switched from ${before} to ${now}`);
    } catch (err) {
      this.refused = version;
      this.logger.error(`cause model ${version} refused, ${this.engine.modelVersion} stays: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) subscriber.disconnect();
    await this.running.catch(() => undefined);
  }
}
