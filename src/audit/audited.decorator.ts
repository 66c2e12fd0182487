import { SetMetadata } from '@nestjs/common';

export const AUDITED_KEY = 'audit:action';

export interface AuditedOptions {
  action: string;
  /** Route parameter named as the audit row's target. */
  targetParam?: string;
}

/** A successful call of this admin route writes an audit row (see AuditInterceptor); the actor is the key's name. */
export const Audited = (action: string, targetParam?: string) => SetMetadata(AUDITED_KEY, { action, targetParam } satisfies AuditedOptions);
