import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { ApiError, del, get, post } from '../api/client';
import { refreshStatsSoon } from '../api/queries';
import type { Claim, Decision, Item } from '../api/types';
import { localExpiry } from './useLease';
import { apiPaths } from '../api/paths';

export type Phase = 'idle' | 'claiming' | 'reviewing' | 'empty' | 'expired' | 'error';

export interface Current {
  item: Item;
  /** Lease end on this browser's clock (ms). */
  expiresAt: number;
}

/** The claim in progress, so a reload or a new sign-in resumes it instead of losing it. */
const CLAIM_KEY = 'verdict.claim';

interface StoredClaim {
  slug: string;
  itemId: string;
}

function readStored(slug: string): StoredClaim | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(CLAIM_KEY) ?? 'null') as StoredClaim | null;
    return stored && stored.slug === slug ? stored : null;
  } catch {
    return null;
  }
}

const ACTION_DONE: Record<string, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  correct: 'Corrected',
  escalate: 'Escalated',
};

/**
 * The reviewing loop for one queue: claim, decide or skip, claim the next at once.
 * Only this hook talks to the claim/lease/decision endpoints.
 */
export function useReviewSession(slug: string, userId: string | undefined, leaseMs: number) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [current, setCurrent] = useState<Current | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const claiming = useRef(false);
  const queryClient = useQueryClient();

  const hold = useCallback(
    (item: Item, expiresAt: number) => {
      sessionStorage.setItem(CLAIM_KEY, JSON.stringify({ slug, itemId: item.id }));
      setCurrent({ item, expiresAt });
      setPhase('reviewing');
    },
    [slug],
  );

  const drop = useCallback(() => {
    sessionStorage.removeItem(CLAIM_KEY);
    setCurrent(null);
  }, []);

  const claimNext = useCallback(async () => {
    if (claiming.current) return;
    claiming.current = true;
    setPhase((p) => (p === 'reviewing' ? p : 'claiming'));
    setError(null);
    try {
      const sentAt = Date.now();
      const claim = await post<Claim | undefined>(apiPaths.queueClaim(slug));
      if (!claim) {
        drop();
        setPhase('empty');
      } else {
        hold(claim.item, localExpiry(claim.lease?.expiresAt, sentAt, leaseMs));
      }
    } catch (e) {
      drop();
      setError(e);
      setPhase('error');
    } finally {
      claiming.current = false;
      refreshStatsSoon(queryClient, slug);
    }
  }, [slug, leaseMs, hold, drop, queryClient]);

  // Resume a claim this browser still holds (after a reload or signing in again).
  const resumed = useRef(false);
  const resume = useCallback(async (): Promise<boolean> => {
    if (resumed.current) return false;
    resumed.current = true;
    const stored = readStored(slug);
    if (!stored || !userId) return false;
    try {
      const item = await get<Item>(apiPaths.item(stored.itemId));
      const mine = item.review?.state === 'claimed' && item.review?.claimedBy === userId;
      if (!mine) {
        sessionStorage.removeItem(CLAIM_KEY);
        return false;
      }
      const sentAt = Date.now();
      const lease = await post<{ expiresAt: string }>(apiPaths.itemLease(item.id));
      hold(item, localExpiry(lease?.expiresAt, sentAt, leaseMs));
      setNotice('Picked up where you left off.');
      return true;
    } catch {
      sessionStorage.removeItem(CLAIM_KEY);
      return false;
    }
  }, [slug, userId, leaseMs, hold]);

  const decide = useCallback(
    async (decision: Decision): Promise<ApiError | null> => {
      if (!current || busy) return null;
      setBusy(true);
      setError(null);
      try {
        await post<Item>(apiPaths.itemDecision(current.item.id), decision);
        setNotice(`${ACTION_DONE[decision.action] ?? 'Done'}. Next item loaded.`);
        drop();
        await claimNext();
        return null;
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          setNotice(`That item is no longer yours (${e.message}). Here is the next one.`);
          drop();
          await claimNext();
          return null;
        }
        if (e instanceof ApiError && e.status === 400) return e;
        setError(e);
        return null;
      } finally {
        setBusy(false);
      }
    },
    [current, busy, drop, claimNext],
  );

  const release = useCallback(async () => {
    if (!current) return;
    try {
      await del(apiPaths.itemLease(current.item.id));
    } catch (e) {
      // 409: it was no longer ours anyway.
      if (!(e instanceof ApiError && e.status === 409)) throw e;
    } finally {
      drop();
    }
  }, [current, drop]);

  const skip = useCallback(async () => {
    if (!current || busy) return;
    setBusy(true);
    try {
      await release();
      setNotice('Skipped. It went back to the queue for someone else.');
      await claimNext();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, [current, busy, release, claimNext]);

  const stop = useCallback(async () => {
    try {
      await release();
    } catch (e) {
      setError(e);
    }
    setNotice('Stopped. The item went back to the queue.');
    setPhase('idle');
  }, [release]);

  const extended = useCallback((expiresAt: number) => {
    setCurrent((c) => (c ? { ...c, expiresAt } : c));
  }, []);

  const expired = useCallback(
    (why: 'timeout' | 'lost') => {
      drop();
      setPhase('expired');
      setNotice(
        why === 'timeout'
          ? 'Your lease expired, so the item went back to the queue.'
          : 'This item is no longer leased to you; it went back to the queue.',
      );
    },
    [drop],
  );

  return {
    phase,
    current,
    notice,
    error,
    busy,
    claimNext,
    resume,
    decide,
    skip,
    stop,
    extended,
    expired,
    setNotice,
  };
}
