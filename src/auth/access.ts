import { ForbiddenException } from '@nestjs/common';
import type { ApiKeyScope, Principal, Role, UserPrincipal } from '../common/principal';

/**
 * Who may do what. Services call these first, before touching data, so every entry point
 * (HTTP, sockets, jobs) enforces the same rules.
 */
export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return principal.kind === 'user' && principal.roles.some((r) => roles.includes(r));
}

export function requireUser(principal: Principal, ...roles: Role[]): UserPrincipal {
  if (
    principal.kind !== 'user' ||
    (roles.length > 0 && !principal.roles.some((r) => roles.includes(r)))
  ) {
    throw new ForbiddenException(
      roles.length ? `requires role ${roles.join(' or ')}` : 'requires a user token',
    );
  }
  return principal;
}

function keyCovers(principal: Principal, slug: string, scope: ApiKeyScope): boolean {
  return (
    principal.kind === 'apiKey' &&
    principal.scopes.includes(scope) &&
    (principal.queues.includes('*') || principal.queues.includes(slug))
  );
}

/** Submitting items: an API key with items:write on the queue, or an admin or lead. */
export function canSubmit(principal: Principal, slug: string): boolean {
  return keyCovers(principal, slug, 'items:write') || hasRole(principal, 'admin', 'lead');
}

/** Reading items: an items:read key on the queue, or a user who may see the queue. */
export function canReadItems(principal: Principal, slug: string): boolean {
  return (
    keyCovers(principal, slug, 'items:read') ||
    (principal.kind === 'user' && canSeeQueue(principal, slug))
  );
}

export function canSeeQueue(principal: Principal, slug: string): boolean {
  if (principal.kind === 'apiKey')
    return principal.queues.includes('*') || principal.queues.includes(slug);
  return hasRole(principal, 'admin', 'lead', 'analyst') || principal.queues.includes(slug);
}

/** Reviewing: reviewers on the queues they were given; leads and admins everywhere. */
export function canReview(principal: Principal, slug: string): boolean {
  if (principal.kind !== 'user') return false;
  return (
    hasRole(principal, 'admin', 'lead') ||
    (principal.roles.includes('reviewer') && principal.queues.includes(slug))
  );
}

export function isLead(principal: Principal): boolean {
  return hasRole(principal, 'admin', 'lead');
}

export function assert(allowed: boolean, message: string): void {
  if (!allowed) throw new ForbiddenException(message);
}
