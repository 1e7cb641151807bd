import type { ApiKeyScope } from '../auth/api-key.entity';
import type { Role } from '../auth/user.entity';

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

/** How a principal appears in the audit trail. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.id}` : `api-key:${principal.id}`;
}
