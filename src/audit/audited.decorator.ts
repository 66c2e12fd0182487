import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { AUDITED_KEY, AuditInterceptor, type AuditedOptions } from './audit.interceptor';

/** A successful call of this admin route writes an audit row (see AuditInterceptor); the actor is the key's name. */
export const Audited = (action: string, targetParam?: string) =>
  applyDecorators(SetMetadata(AUDITED_KEY, { action, targetParam } satisfies AuditedOptions), UseInterceptors(AuditInterceptor));
