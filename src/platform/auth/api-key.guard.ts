import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import type { Scope } from './api-key.entity';
import { ApiKeyService, Principal } from './api-key.service';
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
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new DomainError('AUTH.MISSING_KEY', 'Send an API key as "Authorization: Bearer <key>"');
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) throw new DomainError('AUTH.INVALID_KEY', 'The API key is unknown or revoked');
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new DomainError('AUTH.FORBIDDEN', `This endpoint needs the "${scope}" scope`, {
        required: scope,
        granted: principal.scopes,
      });
    }
    request.principal = principal;
    return true;
  }
}
