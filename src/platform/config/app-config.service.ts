import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { TriageGate } from '../../engine/types';
import { Environment } from './environment';

/** Typed access to the validated environment. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }

  get isProduction(): boolean {
    return this.get('NODE_ENV') === 'production';
  }

  /** The write-back gate: WRITEBACK_MIN_CONFIDENCE and BAND_MEDIUM_MIN, as the engine takes them. */
  get gate(): TriageGate {
    return { autoMin: this.get('WRITEBACK_MIN_CONFIDENCE'), mediumMin: this.get('BAND_MEDIUM_MIN') };
  }
}
