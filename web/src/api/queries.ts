import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import type { Queue, QueueStats } from './types';

export function useQueues() {
  return useQuery({
    queryKey: ['queues'],
    queryFn: () => get<Queue[]>('/v1/queues'),
    staleTime: 10_000,
  });
}

export function useQueue(slug: string) {
  return useQuery({
    queryKey: ['queue', slug],
    queryFn: () => get<Queue>(`/v1/queues/${encodeURIComponent(slug)}`),
    staleTime: 10_000,
  });
}

/**
 * Counts for one queue. Socket events keep them current (see LiveProvider); the slow poll
 * is only a safety net for a dropped connection.
 */
export function useQueueStats(slug: string, enabled = true) {
  return useQuery({
    queryKey: ['stats', slug],
    queryFn: async () => ({
      ...(await get<QueueStats>(`/v1/queues/${encodeURIComponent(slug)}/stats`)),
      receivedAt: Date.now(),
    }),
    enabled,
    refetchInterval: 30_000,
    retry: 1,
  });
}
