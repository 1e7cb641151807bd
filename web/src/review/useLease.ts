import { useEffect, useRef, useState } from 'react';
import { ApiError, post } from '../api/client';
import { useLastActivity } from './useActivity';
import { apiPaths } from '../api/paths';

export interface LeaseState {
  /** Milliseconds left, or null without a lease. */
  remainingMs: number | null;
  /** The reviewer has been idle and the lease ends soon. */
  warning: boolean;
  /** Extend now (the "keep reviewing" button). */
  extend(): void;
}

/**
 * Keeps a claim's lease alive while the reviewer is active: past half the lease, any
 * activity since the last extension extends it. An idle reviewer gets a warning in the
 * last part of the lease, then `onExpired` when it runs out.
 */
export function useLease(
  itemId: string | null,
  expiresAt: number | null,
  leaseMs: number,
  onExtended: (expiresAt: number) => void,
  onExpired: (why: 'timeout' | 'lost') => void,
  /** A decision or skip is being sent: extending now could race it and be refused (409). */
  paused = false,
): LeaseState {
  const lastActivity = useLastActivity();
  const lastExtended = useRef(Date.now());
  const inFlight = useRef(false);
  const [now, setNow] = useState(() => Date.now());
  const callbacks = useRef({ onExtended, onExpired });
  callbacks.current = { onExtended, onExpired };

  const currentItem = useRef(itemId);
  currentItem.current = itemId;

  useEffect(() => {
    lastExtended.current = Date.now();
  }, [itemId]);

  useEffect(() => {
    if (!itemId) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [itemId]);

  const doExtend = () => {
    if (!itemId || inFlight.current) return;
    inFlight.current = true;
    const sentAt = Date.now();
    post<{ expiresAt: string }>(apiPaths.itemLease(itemId))
      .then((res) => {
        if (currentItem.current !== itemId) return;
        lastExtended.current = sentAt;
        callbacks.current.onExtended(localExpiry(res?.expiresAt, sentAt, leaseMs));
      })
      .catch((e: unknown) => {
        // A refusal about an item we have since decided or skipped says nothing about the next one.
        if (currentItem.current !== itemId) return;
        if (e instanceof ApiError && (e.status === 409 || e.status === 404))
          callbacks.current.onExpired('lost');
      })
      .finally(() => {
        inFlight.current = false;
      });
  };

  const remainingMs = itemId && expiresAt ? Math.max(0, expiresAt - now) : null;
  const activeSinceExtension = lastActivity.current > lastExtended.current;
  const warnBelow = Math.min(60_000, leaseMs * 0.6);

  useEffect(() => {
    if (remainingMs === null) return;
    if (remainingMs <= 0) {
      callbacks.current.onExpired('timeout');
      return;
    }
    if (!paused && remainingMs < leaseMs / 2 && activeSinceExtension) doExtend();
    // doExtend reads refs only; re-running on each tick is the point.
  });

  return {
    remainingMs,
    warning:
      remainingMs !== null && remainingMs > 0 && remainingMs <= warnBelow && !activeSinceExtension,
    extend: doExtend,
  };
}

/**
 * The lease end on this browser's clock. The server's expiresAt is trusted, but never later
 * than a full lease from now (a server clock running ahead must not make the app late); if it
 * is already past here, the clocks disagree and the queue's lease length is used instead.
 */
export function localExpiry(
  expiresAt: string | undefined,
  sentAt: number,
  leaseMs: number,
): number {
  const at = expiresAt ? Date.parse(expiresAt) : NaN;
  const now = Date.now();
  if (Number.isFinite(at) && at > now) return Math.min(at, now + leaseMs);
  return sentAt + leaseMs;
}
