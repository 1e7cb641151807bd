import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type {
  AuditEvent,
  ChainVerification,
  Comment,
  Delivery,
  ItemPage,
  ItemWithReviews,
} from './types';
import { apiPaths, queryString, type ItemsSearchQuery } from '../api/paths';
import { queryKeys } from '../api/query-keys';

export function useItem(id: string) {
  return useQuery({
    queryKey: queryKeys.items.detail(id),
    queryFn: () => get<ItemWithReviews>(apiPaths.item(id)),
  });
}

export function useItemEvents(id: string) {
  return useQuery({
    queryKey: queryKeys.items.events(id),
    queryFn: () => get<{ events: AuditEvent[] }>(apiPaths.itemEvents(id)),
  });
}

export function useChainVerification(id: string) {
  return useQuery({
    queryKey: queryKeys.items.verification(id),
    queryFn: () => get<ChainVerification>(apiPaths.itemEventsVerify(id)),
  });
}

export function useDeliveries(id: string) {
  return useQuery({
    queryKey: queryKeys.items.deliveries(id),
    queryFn: () => get<{ deliveries: Delivery[] }>(apiPaths.itemDeliveries(id)),
  });
}

export function useComments(id: string) {
  return useQuery({
    queryKey: queryKeys.items.comments(id),
    queryFn: () => get<{ comments: Comment[] }>(apiPaths.itemComments(id)),
  });
}

/** One search, page after page (GET /v1/items); `query` without cursor. */
export function useItemSearch(query: ItemsSearchQuery, enabled = true) {
  return useInfiniteQuery({
    // The query string names the search: the same filters in the same order share one cache entry.
    queryKey: queryKeys.items.search(queryString(query)),
    queryFn: ({ pageParam }) =>
      get<ItemPage>(apiPaths.items({ ...query, cursor: pageParam || undefined })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}
