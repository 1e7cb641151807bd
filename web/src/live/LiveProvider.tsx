import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { io, type Socket } from 'socket.io-client';
import { get } from '../api/client';
import { refreshStatsSoon } from '../api/queries';
import type { ItemEvent, QueueStats, QueueStatsEvent } from '../api/types';
import { appendComment } from '../items/comment-cache';
import type { Comment } from '../items/types';
import { useSession } from '../auth/session';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

export const ITEM_EVENTS = [
  'item.queued',
  'item.claimed',
  'item.released',
  'item.decided',
] as const;
export type ItemEventName = (typeof ITEM_EVENTS)[number];
type Listener = (name: ItemEventName, event: ItemEvent) => void;

interface Live {
  connected: boolean;
  /** Subscribes to a queue's events while the returned function is not called. */
  watch(slug: string): () => void;
  listen(listener: Listener): () => void;
}

const LiveContext = createContext<Live | null>(null);

/**
 * One Socket.IO connection to /live per signed-in session. It keeps the queue stats in the
 * query cache current (queue.stats replaces the counts, item.* events trigger a refetch of
 * the rest) and re-subscribes after every reconnect, since the server forgets rooms then.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { token } = useSession();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const socketRef = useRef<Socket | null>(null);
  const watched = useRef(new Map<string, number>());
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (!token) return;
    const socket = io('/live', { auth: { token }, transports: ['websocket'] });
    socketRef.current = socket;
    let lastAuthCheck = 0;

    const subscribe = (slug: string) => {
      socket.timeout(5000).emit('subscribe', { queue: slug }, () => undefined);
    };
    socket.on('connect', () => {
      setConnected(true);
      for (const slug of watched.current.keys()) subscribe(slug);
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', () => {
      setConnected(false);
      // A refused handshake is most often an expired token: one API call lets the 401 flow run.
      if (Date.now() - lastAuthCheck > 30_000) {
        lastAuthCheck = Date.now();
        get(apiPaths.me()).catch(() => undefined);
      }
    });
    socket.on('queue.stats', (stats: QueueStatsEvent) => {
      if (!stats || typeof stats.queue !== 'string') return;
      const { queue, ...counts } = stats;
      queryClient.setQueryData<QueueStats>(queryKeys.queues.stats(queue), (old) => ({
        ...(old ?? { pending: 0, inReview: 0, escalated: 0, oldestPendingSeconds: null }),
        ...counts,
        receivedAt: Date.now(),
        liveAt: Date.now(),
      }));
    });
    // An open comment thread gains the comment at once; the item's audit trail refetches.
    socket.on('item.commented', (comment: Comment) => {
      if (!comment || typeof comment.itemId !== 'string') return;
      queryClient.setQueryData<{ comments: Comment[] }>(
        queryKeys.items.comments(comment.itemId),
        (old) => appendComment(old, comment),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.items.events(comment.itemId) });
    });
    for (const name of ITEM_EVENTS) {
      socket.on(name, (event: ItemEvent) => {
        if (!event || typeof event.queue !== 'string') return;
        for (const listener of listeners.current) listener(name, event);
        // The counts arrive as queue.stats; the rest (breaches, 24 h figures) needs a refetch.
        refreshStatsSoon(queryClient, event.queue);
        void queryClient.invalidateQueries({ queryKey: queryKeys.items.lists.queue(event.queue) });
        // An open item page follows its item.
        for (const queryKey of queryKeys.items.followed(event.id))
          void queryClient.invalidateQueries({ queryKey });
      });
    }
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
      setConnected(false);
    };
  }, [token, queryClient]);

  const value = useMemo<Live>(
    () => ({
      connected,
      watch(slug) {
        const count = watched.current.get(slug) ?? 0;
        watched.current.set(slug, count + 1);
        const socket = socketRef.current;
        if (count === 0 && socket?.connected)
          socket.timeout(5000).emit('subscribe', { queue: slug }, () => undefined);
        return () => {
          const left = (watched.current.get(slug) ?? 1) - 1;
          if (left <= 0) {
            watched.current.delete(slug);
            socketRef.current?.emit('unsubscribe', { queue: slug });
          } else watched.current.set(slug, left);
        };
      },
      listen(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [connected],
  );

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** Live events for these queues while the component is mounted. */
export function useWatchQueues(slugs: string[], listener?: Listener): boolean {
  const live = useLive();
  const key = slugs.join(',');
  const listenerRef = useRef(listener);
  listenerRef.current = listener;
  useEffect(() => {
    const stops = key ? key.split(',').map((slug) => live.watch(slug)) : [];
    const stopListening = live.listen((name, event) => {
      if (key.split(',').includes(event.queue)) listenerRef.current?.(name, event);
    });
    return () => {
      stops.forEach((stop) => stop());
      stopListening();
    };
    // live.watch/listen only read refs, so a reconnect does not need to re-run this.
  }, [key]);
  return live.connected;
}
