import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../errors/error-response.dto';
import type { Scope } from './api-key.entity';

export const SCOPE_KEY = 'requiredScope';
export const PUBLIC_KEY = 'publicRoute';

/** The scope a route needs (`admin` keys pass every check); documented in the OpenAPI spec with its errors. */
export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiBearerAuth('api-key'),
    ApiExtension('x-required-scope', scope),
    ApiUnauthorizedResponse({ description: 'Missing, unknown, revoked or expired API key', type: ErrorResponse }),
    ApiForbiddenResponse({ description: `The key lacks the "${scope}" scope`, type: ErrorResponse }),
    ApiTooManyRequestsResponse({ description: 'Rate limit of the key reached; see Retry-After', type: ErrorResponse }),
  );

/** A route that needs no API key (health, metrics, docs, webhooks with their own auth). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
