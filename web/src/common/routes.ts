/**
 * Every in-app address, built from typed parameters: links, navigations and redirects call
 * these instead of writing paths, so a page can move by changing one line here (and its
 * pattern in `routePatterns`, which App.tsx mounts). Path segments are percent-encoded and
 * query strings are built with URLSearchParams, so a slug, id or search text can never break
 * out of its place in the address.
 */
import { queryString } from '../api/paths';
import type { FilterKey } from '../items/types';

/** What the Items page keeps in its address: the search text and the filters. */
export type ItemsQuery = Partial<Record<FilterKey | 'search', string | null>>;

/** The Items page's address parameters, for setSearchParams (same encoding as `routes.items`). */
export const itemsSearchParams = (query: ItemsQuery) => new URLSearchParams(queryString(query));

const seg = encodeURIComponent;

export const routes = {
  home: () => '/',
  login: () => '/login',
  queues: () => '/queues',
  /** A queue's own address (opens what the person can do with it; see QueueRedirect). */
  queue: (slug: string) => `/queues/${seg(slug)}`,
  review: (slug: string) => `/review/${seg(slug)}`,
  items: (query: ItemsQuery = {}) => `/items${queryString(query)}`,
  item: (id: string) => `/items/${seg(id)}`,
  escalated: () => '/escalated',
  settings: () => '/settings',
  queueSettings: (slug: string) => `/settings/${seg(slug)}`,
  analytics: () => '/analytics',
  users: () => '/users',
  apiKeys: () => '/api-keys',
} as const;

/** The React Router patterns matching the builders above (relative to the signed-in shell). */
export const routePatterns = {
  login: '/login',
  queues: 'queues',
  queue: 'queues/:slug',
  review: 'review/:slug',
  items: 'items',
  item: 'items/:id',
  escalated: 'escalated',
  settings: 'settings',
  queueSettings: 'settings/:slug',
  analytics: 'analytics/*',
  users: 'users',
  apiKeys: 'api-keys',
} as const;

/** Navigation state that makes the review page claim at once (from a "Start reviewing" button). */
export const startReviewing = { state: { start: true } } as const;
