/** What a user may be; access.ts says what each role allows. */
export const ROLES = ['admin', 'lead', 'reviewer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key may do. */
export const API_KEY_SCOPES = ['items:write', 'items:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  name: string;
  roles: Role[];
  queues: string[];
}

export interface ApiKeyPrincipal {
  kind: 'apiKey';
  id: string;
  name: string;
  queues: string[];
  scopes: ApiKeyScope[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

/** The principal a user account acts as (only the fields a principal carries, nothing secret). */
export function userPrincipal(user: Omit<UserPrincipal, 'kind'>): UserPrincipal {
  const { id, email, name, roles, queues } = user;
  return { kind: 'user', id, email, name, roles, queues };
}

/** How a principal appears in the audit trail. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.id}` : `api-key:${principal.id}`;
}
