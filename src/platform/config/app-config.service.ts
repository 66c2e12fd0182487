import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TriageGate } from '../../engine/types';
import { Environment } from './environment';

/** The start-up line of a production API without ADMIN_API_KEY: it creates no key, so say where keys come from. */
export function missingAdminKeyNotice(env: Pick<Environment, 'NODE_ENV' | 'ADMIN_API_KEY' | 'ROLE'>): string | null {
  if (env.NODE_ENV !== 'production' || env.ADMIN_API_KEY || env.ROLE === 'worker') return null;
  return (
    'NODE_ENV=production and ADMIN_API_KEY is unset: no admin key is created; only keys stored in the database ' +
    'are accepted (create one with `npm run cli -- api-key create --name <name> --scopes admin`, or set ADMIN_API_KEY to 24+ random characters)'
  );
}

let noticeGiven = false;

/** Typed access to the validated environment. */
@Injectable()
export class AppConfig implements OnApplicationBootstrap {
  /**
   * Values already read. The environment is validated once and never changes, and ConfigService.get parses a
   * property path on every call: requests read several settings each (webhook mapping, the gate, tag prefixes).
   */
  private readonly values = new Map<keyof Environment, unknown>();

  constructor(private readonly config: ConfigService<Environment, true>) {}

  onApplicationBootstrap(): void {
    const notice = missingAdminKeyNotice({
      NODE_ENV: this.get('NODE_ENV'),
      ADMIN_API_KEY: this.get('ADMIN_API_KEY'),
      ROLE: this.get('ROLE'),
    });
    // AppConfig is provided in several modules; one line per process is enough.
    if (notice && !noticeGiven) new Logger('Config').warn(notice);
    noticeGiven ||= notice !== null;
  }

  get<K extends keyof Environment>(key: K): Environment[K] {
    if (this.values.has(key)) return this.values.get(key) as Environment[K];
    const value = this.config.get(key, { infer: true });
    this.values.set(key, value);
    return value;
  }

  get isProduction(): boolean {
    return this.get('NODE_ENV') === 'production';
  }

  /** The write-back gate: WRITEBACK_MIN_CONFIDENCE and BAND_MEDIUM_MIN, as the engine takes them. */
  get gate(): TriageGate {
    return { autoMin: this.get('WRITEBACK_MIN_CONFIDENCE'), mediumMin: this.get('BAND_MEDIUM_MIN') };
  }
}
