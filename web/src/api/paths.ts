/**
 * Every API address the web app calls, built in one place. Each one is checked at compile time
 * against the server's OpenAPI document (sdk/src/generated/openapi.ts): the template must be a
 * path the server serves, every `{param}` in it must be given (and is percent-encoded), and query
 * parameters must be ones that operation takes. A renamed route or parameter breaks the build
 * here instead of 404ing in a reviewer's browser.
 */
import type { paths } from '../../../sdk/src/generated/openapi';

type ApiTemplate = keyof paths;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `'/v1/items/{id}/lease'` → `'id'`. */
type ParamNames<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
type PathParams<T extends string> = { [K in ParamNames<T>]: string };

/** The query parameters the operation at this path and method declares. */
type QueryOf<T extends ApiTemplate, M extends Method> = paths[T][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

type QueryValue = string | number | boolean | null | undefined;

/** Empty, null and undefined values are left out, so optional filters need no `if`s at call sites. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function build<T extends ApiTemplate, M extends Method = 'get'>(
  template: T,
  params: PathParams<T>,
  query?: QueryOf<T, M> & Record<string, QueryValue>,
): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent((params as Record<string, string>)[name]),
  );
  return `${path}${queryString(query)}`;
}

/** GET /v1/items filters (the Items page's search). */
export type ItemsSearchQuery = QueryOf<'/v1/items', 'get'>;
type QueueItemsQuery = QueryOf<'/v1/queues/{slug}/items', 'get'>;
type AnalyticsScope = { queue?: string | null; model?: string | null };

export const apiPaths = {
  login: () => build('/v1/auth/login', {}),
  me: () => build('/v1/auth/me', {}),

  users: () => build('/v1/users', {}),
  user: (id: string) => build('/v1/users/{id}', { id }),

  apiKeys: () => build('/v1/api-keys', {}),
  apiKey: (id: string) => build('/v1/api-keys/{id}', { id }),

  queues: () => build('/v1/queues', {}),
  queue: (slug: string) => build('/v1/queues/{slug}', { slug }),
  queueStats: (slug: string) => build('/v1/queues/{slug}/stats', { slug }),
  queuePolicy: (slug: string) => build('/v1/queues/{slug}/policy', { slug }),
  queuePolicyHistory: (slug: string) => build('/v1/queues/{slug}/policy/history', { slug }),
  queueClaim: (slug: string) => build('/v1/queues/{slug}/claim', { slug }),
  queueItems: (slug: string, query: QueueItemsQuery) =>
    build('/v1/queues/{slug}/items', { slug }, query),
  policySimulate: (slug: string) => build('/v1/queues/{slug}/policy/simulate', { slug }),
  policyRecommendation: (slug: string, maxErrorRate: number) =>
    build('/v1/queues/{slug}/policy/recommendation', { slug }, { maxErrorRate }),
  notificationTest: (slug: string) => build('/v1/queues/{slug}/notifications/test', { slug }),
  notificationDeliveries: (slug: string, limit: number) =>
    build('/v1/queues/{slug}/notifications/deliveries', { slug }, { limit }),

  items: (query: ItemsSearchQuery) => build('/v1/items', {}, query),
  item: (id: string) => build('/v1/items/{id}', { id }),
  itemEvents: (id: string) => build('/v1/items/{id}/events', { id }),
  itemEventsVerify: (id: string) => build('/v1/items/{id}/events/verify', { id }),
  itemDeliveries: (id: string) => build('/v1/items/{id}/deliveries', { id }),
  itemRedeliver: (id: string) => build('/v1/items/{id}/deliveries/redeliver', { id }),
  itemComments: (id: string) => build('/v1/items/{id}/comments', { id }),
  itemLease: (id: string) => build('/v1/items/{id}/lease', { id }),
  itemDecision: (id: string) => build('/v1/items/{id}/decision', { id }),
  itemAssign: (id: string) => build('/v1/items/{id}/assign', { id }),

  calibration: (scope: AnalyticsScope, bins: string) =>
    build('/v1/analytics/calibration', {}, { ...scopeQuery(scope), bins: Number(bins) }),
  drift: (scope: AnalyticsScope) => build('/v1/analytics/drift', {}, scopeQuery(scope)),
  reviewers: (queue: string | null) =>
    build('/v1/analytics/reviewers', {}, { queue: queue ?? undefined }),

  feedbackExport: (query: QueryOf<'/v1/feedback/export', 'get'>) =>
    build('/v1/feedback/export', {}, query),
  feedbackExports: () => build('/v1/feedback/exports', {}),
  feedbackExportJob: (id: string) => build('/v1/feedback/exports/{id}', { id }),
  feedbackExportDownload: (id: string) => build('/v1/feedback/exports/{id}/download', { id }),
} as const;

/** Queue and model filters of the analytics routes (a blank model means every model). */
function scopeQuery(scope: AnalyticsScope): { queue?: string; model?: string } {
  return {
    ...(scope.queue ? { queue: scope.queue } : {}),
    ...(scope.model?.trim() ? { model: scope.model.trim() } : {}),
  };
}
