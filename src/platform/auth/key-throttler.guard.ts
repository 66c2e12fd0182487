import { ExecutionContext, Injectable } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { AuthedRequest } from './api-key.guard';
import { PUBLIC_KEY, SCOPE_KEY } from './scopes.decorator';
import { StaticMetadataReflector } from './static-metadata-reflector';

/**
 * Per-key rate limits (the guard runs after authentication). Intake routes count against the
 * `ingest` limit, every other keyed route against `default`; public routes are not limited here.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  /** Route metadata is read once per route (StaticMetadataReflector), not sixteen times per request. */
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage) {
    super(options, storage, new StaticMetadataReflector());
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const targets = [props.context.getHandler(), props.context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const isIngest = this.reflector.getAllAndOverride<string>(SCOPE_KEY, targets) === 'ingest';
    if ((props.throttler.name === 'ingest') !== isIngest) return true;
    return super.handleRequest(props);
  }

  /** One counter per key and limit, across every route it covers (the default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthedRequest;
    return request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`;
  }
}
