import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { from, Observable, mergeMap } from 'rxjs';
import type { AuthedRequest } from '../platform/auth/api-key.guard';
import { StaticMetadataReflector } from '../platform/auth/static-metadata-reflector';
import { AuditService } from './audit.service';

export const AUDITED_KEY = 'audit:action';

export interface AuditedOptions {
  action: string;
  /** Route parameter named as the audit row's target. */
  targetParam?: string;
}

/**
 * Writes the audit row of an @Audited route once it succeeded, with the answer's figures as details. It runs
 * on those routes only (@Audited applies it): an interceptor on every route would put each intake request
 * through an rxjs pipeline for nothing.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);
  private readonly reflector = new StaticMetadataReflector();

  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthedRequest & { params?: Record<string, string> }>();
    const options = this.reflector.getAllAndOverride<AuditedOptions | undefined>(AUDITED_KEY, [context.getHandler(), context.getClass()]);
    if (!options) return next.handle();
    return next.handle().pipe(
      mergeMap((answer) =>
        from(
          this.audit
            .record({
              actor: request.principal?.name ?? 'unknown',
              action: options.action,
              target: options.targetParam ? (request.params?.[options.targetParam] ?? null) : null,
              details: figuresOf(answer),
            })
            // The action is done; a lost audit row is logged rather than turned into an error answer.
            .catch((err: unknown) => this.logger.error({ err, action: options.action }, 'audit row not written'))
            .then(() => answer),
        ),
      ),
    );
  }
}

/** The answer's top-level numbers, strings and booleans: counts and versions, never a whole document. */
function figuresOf(answer: unknown): Record<string, unknown> {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return {};
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(answer)) {
    if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 100)) details[k] = v;
  }
  return details;
}
