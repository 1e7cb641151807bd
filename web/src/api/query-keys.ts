/**
 * Every TanStack Query key the app uses, from one factory. Keys are `as const` tuples, and the
 * ones that are invalidated as a group share a prefix on purpose:
 * - `items.lists.all` (`['items']`) ⊃ `items.lists.queue(slug)` ⊃ the escalated and
 *   assigned-to-me lists of that queue, so an assignment refreshes every list and a live item
 *   event refreshes the lists of its queue;
 * - `items.detail(id)` is shared by the item page, the Escalated page's notes and the Items
 *   page's exact-id lookup (the same GET /v1/items/:id answer).
 * Change a key here and every reader, writer and invalidation follows.
 */
/** The analytics pages' queue and model filter. */
type Scope = { queue: string | null; model: string };

export const queryKeys = {
  queues: {
    all: ['queues'] as const,
    detail: (slug: string) => ['queue', slug] as const,
    stats: (slug: string) => ['stats', slug] as const,
    policyHistory: (slug: string) => ['policy-history', slug] as const,
    notificationDeliveries: (slug: string) => ['notification-deliveries', slug] as const,
    simulation: (slug: string, autoApproveAt: number, blockBelow: number) =>
      ['simulate', slug, autoApproveAt, blockBelow] as const,
    recommendation: (slug: string, maxErrorRate: number) =>
      ['recommendation', slug, maxErrorRate] as const,
  },
  items: {
    detail: (id: string) => ['item', id] as const,
    events: (id: string) => ['item-events', id] as const,
    verification: (id: string) => ['item-verify', id] as const,
    deliveries: (id: string) => ['item-deliveries', id] as const,
    comments: (id: string) => ['comments', id] as const,
    /** What an open item page shows of its item, refreshed when the item changes. */
    followed: (id: string) =>
      [
        queryKeys.items.detail(id),
        queryKeys.items.events(id),
        queryKeys.items.verification(id),
        queryKeys.items.deliveries(id),
      ] as const,
    /** GET /v1/items with these filters (query string without cursor). */
    search: (query: string) => ['item-search', query] as const,
    byExternalId: (externalId: string) => ['item-search', 'externalId', externalId] as const,
    /** The per-queue lists (GET /v1/queues/:slug/items). */
    lists: {
      all: ['items'] as const,
      queue: (slug: string) => ['items', slug] as const,
      escalated: (slug: string) => ['items', slug, 'escalated'] as const,
      assignedToMe: (slug: string) => ['items', slug, 'assigned-to-me'] as const,
    },
  },
  users: { all: ['users'] as const },
  apiKeys: { all: ['api-keys'] as const },
  analytics: {
    calibration: (scope: Scope, bins: string) => ['calibration', scope, bins] as const,
    drift: (scope: Scope) => ['drift', scope] as const,
    reviewers: (queue: string | null) => ['reviewers', queue] as const,
    exportJob: (id: string | null) => ['export-job', id] as const,
  },
} as const;
