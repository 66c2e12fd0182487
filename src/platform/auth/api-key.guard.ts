import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import type { Scope } from './api-key.entity';
import { ApiKeyService, Principal } from './api-key.service';
import { bearerToken, type EarlyAuthenticator } from './authenticate-first';
import { PUBLIC_KEY, SCOPE_KEY } from './scopes.decorator';
import { StaticMetadataReflector } from './static-metadata-reflector';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** Global guard: every route needs a bearer key with its scope unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly reflector = new StaticMetadataReflector();

  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets) ?? 'agent';
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    // Routes under API_KEY_PREFIX were authenticated before their body was read (apiKeyAuthenticator).
    let principal = request.principal;
    if (!principal) {
      const key = bearerToken(request.headers.authorization);
      if (!key) throw new DomainError('AUTH.MISSING_KEY', MISSING_KEY_MESSAGE);
      principal = (await this.keys.authenticate(key)) ?? undefined;
      if (!principal) throw new DomainError('AUTH.INVALID_KEY', INVALID_KEY_MESSAGE);
    }
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new DomainError('AUTH.FORBIDDEN', `This endpoint needs the "${scope}" scope`, [
        `required scope: ${scope}`,
        `this key's scopes: ${principal.scopes.join(', ')}`,
      ]);
    }
    request.principal = principal;
    return true;
  }
}

const MISSING_KEY_MESSAGE = 'Send an API key as "Authorization: Bearer <key>"';
const INVALID_KEY_MESSAGE = 'The API key is unknown, revoked or expired';

/** Every route under this prefix needs a bearer key. */
export const API_KEY_PREFIX = '/v1';

/** Resolves the bearer key of every /v1 request from its headers, before its body is read; scopes are checked by ApiKeyGuard. */
export function apiKeyAuthenticator(keys: ApiKeyService): EarlyAuthenticator {
  return {
    prefix: API_KEY_PREFIX,
    async headers(req) {
      const key = bearerToken(req.headers.authorization);
      if (!key) return { ok: false, code: 'AUTH.MISSING_KEY', message: MISSING_KEY_MESSAGE };
      const principal = await keys.authenticate(key);
      if (!principal) return { ok: false, code: 'AUTH.INVALID_KEY', message: INVALID_KEY_MESSAGE };
      (req as AuthedRequest).principal = principal;
      return { ok: true };
    },
  };
}
