import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { get } from './client';
import type { Queue, QueueStats } from './types';
import { apiPaths } from './paths';
import { queryKeys } from './query-keys';

export function useQueues() {
  return useQuery({
    queryKey: queryKeys.queues.all,
    queryFn: () => get<Queue[]>(apiPaths.queues()),
    staleTime: 10_000,
  });
}

export function useQueue(slug: string) {
  return useQuery({
    queryKey: queryKeys.queues.detail(slug),
    queryFn: () => get<Queue>(apiPaths.queue(slug)),
    staleTime: 10_000,
  });
}

/** The server shares stats results for about a second; a refetch sooner could be older than a live event. */
const SERVER_STATS_FRESH_MS = 1_000;

/**
 * Counts for one queue. Socket events keep them current (see LiveProvider); the slow poll
 * is only a safety net for a dropped connection.
 */
export function useQueueStats(slug: string, enabled = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.queues.stats(slug),
    queryFn: async () => {
      const startedAt = Date.now();
      const fetched = await get<QueueStats>(apiPaths.queueStats(slug));
      // A live snapshot newer than what the server may have cached wins for the counts it carries.
      const live = queryClient.getQueryData<QueueStats>(queryKeys.queues.stats(slug));
      const keepLive =
        live?.liveAt !== undefined && live.liveAt > startedAt - SERVER_STATS_FRESH_MS;
      return {
        ...fetched,
        ...(keepLive
          ? {
              pending: live.pending,
              inReview: live.inReview,
              escalated: live.escalated,
              oldestPendingSeconds: live.oldestPendingSeconds,
              liveAt: live.liveAt,
              receivedAt: live.receivedAt,
            }
          : { receivedAt: Date.now() }),
      };
    },
    enabled,
    refetchInterval: 30_000,
    retry: 1,
  });
}

const pendingRefresh = new Map<string, ReturnType<typeof setTimeout>>();

/** Refetch a queue's stats once the server's shared result is fresh again; bursts coalesce. */
export function refreshStatsSoon(queryClient: QueryClient, slug: string): void {
  if (pendingRefresh.has(slug)) return;
  pendingRefresh.set(
    slug,
    setTimeout(() => {
      pendingRefresh.delete(slug);
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.stats(slug) });
    }, SERVER_STATS_FRESH_MS + 250),
  );
}
