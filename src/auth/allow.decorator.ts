import { SetMetadata } from '@nestjs/common';
import type { Principal } from '../common/principal';
import { canReview, canSeeQueue, canSubmit, hasRole } from './access';
import type { Role } from '../common/principal';

export const ALLOW = 'verdict:allow';

export interface RouteRule {
  check: (principal: Principal, params: Record<string, string | undefined>) => boolean;
  message: string;
}

/**
 * Who may use a route at all, checked by the global guard, so before the body or query is
 * validated: a caller who may not use the route gets 403 whatever they send, and learns nothing
 * from validation messages. Services still make their finer, data-dependent checks.
 */
export const Allow = (rule: RouteRule) => SetMetadata(ALLOW, rule);

export const roles = (...allowed: Role[]): RouteRule => ({
  check: (principal) => hasRole(principal, ...allowed),
  message: `requires role ${allowed.join(' or ')}`,
});

export const anyUser: RouteRule = {
  check: (principal) => principal.kind === 'user',
  message: 'requires a user token',
};

export const submitter: RouteRule = {
  check: (principal, params) => canSubmit(principal, params.slug ?? ''),
  message: 'not allowed to submit to this queue',
};

/** Depends only on who asks and the slug, so an unknown queue answers 403 too (no enumeration). */
export const queueReviewer: RouteRule = {
  check: (principal, params) => canReview(principal, params.slug ?? ''),
  message: 'not allowed to review this queue',
};

export const queueViewer: RouteRule = {
  check: (principal, params) => canSeeQueue(principal, params.slug ?? ''),
  message: 'not allowed to see this queue',
};
