import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { warnOrOutage } from '../common/outage-log';

/** A margin so a timer never fires a hair before Postgres's clock says the lease ended. */
const TIMER_SLACK_MS = 100;

interface Armed {
  token: string;
  timer: NodeJS.Timeout;
}

/**
 * Prompt lease expiry: an in-process timer on the instance that granted or extended the lease,
 * at most one per item. A timer is only a hint: what it triggers is the conditional lease-lapse
 * transition (same token, lease really over, re-checked under the row lock), so an early or stale
 * timer does nothing. Leases whose timer is gone (this instance crashed or shut down, or another
 * instance extended the lease and holds the newer timer) are returned by the Postgres sweep
 * (ReviewSweeperService) within SWEEP_INTERVAL_MS. No Redis round trip per claim or extension.
 */
@Injectable()
export class LeaseTimers implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LeaseTimers');
  private readonly armed = new Map<string, Armed>();
  private closed = false;

  /**
   * (Re)arms the item's timer for `expiresAt`, replacing any earlier timer for the item here;
   * with `replace: false` (a retry after an early firing) a timer armed meanwhile (a newer claim
   * or an extension here) is kept instead.
   */
  arm(
    itemId: string,
    token: string,
    expiresAt: Date,
    due: (itemId: string, token: string) => Promise<unknown>,
    { replace = true }: { replace?: boolean } = {},
  ): void {
    if (this.closed || (!replace && this.armed.has(itemId))) return;
    this.clear(itemId);
    const delay = Math.max(0, expiresAt.getTime() - Date.now()) + TIMER_SLACK_MS;
    const timer = setTimeout(() => {
      if (this.armed.get(itemId)?.timer === timer) this.armed.delete(itemId);
      due(itemId, token).catch((error: Error) =>
        warnOrOutage(this.logger, error, `lease expiry of ${itemId} failed: ${error.message}`),
      );
    }, delay);
    // Never what keeps the process alive: the sweep covers a timer that dies with it.
    timer.unref();
    this.armed.set(itemId, { token, timer });
  }

  /**
   * Drops the item's timer once its lease ended (decided, released, lapsed). With a token, only
   * the timer of that lease: a newer claim of the same item made meanwhile keeps its own.
   */
  clear(itemId: string, token?: string | null): void {
    const armed = this.armed.get(itemId);
    if (!armed || (token != null && armed.token !== token)) return;
    clearTimeout(armed.timer);
    this.armed.delete(itemId);
  }

  /** Stops every timer before the pools close; the other instances' sweep returns those leases. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const { timer } of this.armed.values()) clearTimeout(timer);
    this.armed.clear();
  }
}
