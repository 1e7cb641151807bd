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

const itemPath = (id: string) => `/v1/items/${encodeURIComponent(id)}`;

export function useItem(id: string) {
  return useQuery({ queryKey: ['item', id], queryFn: () => get<ItemWithReviews>(itemPath(id)) });
}

export function useItemEvents(id: string) {
  return useQuery({
    queryKey: ['item-events', id],
    queryFn: () => get<{ events: AuditEvent[] }>(`${itemPath(id)}/events`),
  });
}

export function useChainVerification(id: string) {
  return useQuery({
    queryKey: ['item-verify', id],
    queryFn: () => get<ChainVerification>(`${itemPath(id)}/events/verify`),
  });
}

export function useDeliveries(id: string) {
  return useQuery({
    queryKey: ['item-deliveries', id],
    queryFn: () => get<{ deliveries: Delivery[] }>(`${itemPath(id)}/deliveries`),
  });
}

export function useComments(id: string) {
  return useQuery({
    queryKey: ['comments', id],
    queryFn: () => get<{ comments: Comment[] }>(`${itemPath(id)}/comments`),
  });
}

/** One search, page after page (GET /v1/items); `params` without cursor. */
export function useItemSearch(params: URLSearchParams, enabled = true) {
  const key = params.toString();
  return useInfiniteQuery({
    queryKey: ['item-search', key],
    queryFn: ({ pageParam }) => {
      const page = new URLSearchParams(params);
      if (pageParam) page.set('cursor', pageParam);
      return get<ItemPage>(`/v1/items?${page.toString()}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}
