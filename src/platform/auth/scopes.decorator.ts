import { SetMetadata } from '@nestjs/common';
import type { Scope } from './api-key.entity';

export const SCOPE_KEY = 'requiredScope';
export const PUBLIC_KEY = 'publicRoute';

/** The scope a route needs; `admin` keys pass every scope check. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

/** A route that needs no API key (health, metrics, docs, webhooks with their own auth). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
