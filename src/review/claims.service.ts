import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { assert, canReview, isLead, requireUser } from '../auth/access';
import { actorOf, type Principal, type UserPrincipal } from '../common/principal';
import { Item } from '../items/item.entity';
import { ItemsService } from '../items/items.service';
import { toItemView } from '../items/item.view';
import { JobsService } from '../jobs/jobs.service';
import { QueuesService } from '../queues/queues.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { requeueChanges } from './decision-rules';
import type { PreviousItemState } from '../items/item-domain-events';
import {
  ItemTransitionsService,
  lastEventOf,
  readLastEvent,
  retryOnChainRace,
} from './item-transitions.service';
import { assertHolder, assertReviewer, reviewableItem } from './review-access';
import { warnOrOutage } from '../common/outage-log';

/**
 * Picks the next item for one reviewer and leases it, in one statement. Postgres is the
 * arbiter (BullMQ's head-only fetch cannot skip items a reviewer already reviewed, or keep
 * escalations for leads): the partial index items_review_line_idx yields candidates in
 * hand-out order, SKIP LOCKED lets concurrent claimers pass each other, and the re-check
 * under the row lock guarantees one holder.
 * $4 = true also allows the item this reviewer last released (last attempt only); $7 lists the
 * items they skipped recently, passed over while anything else waits for them.
 */
const CLAIM_SQL = claimSql(`queue_id = $1 AND review_state = 'waiting' AND review_rank >= $2
    AND ($4 OR released_by IS DISTINCT FROM $3)
    AND NOT ($3 = ANY (reviewed_by))
    -- Reserved for someone else: not theirs to take until the reservation lapses.
    AND (assigned_to IS NULL OR assigned_to = $3 OR assigned_until <= now())
    AND NOT (id = ANY ($7::uuid[]))`);

/**
 * A reviewer's own reservations come before anything else in their line (a lead assigned the
 * item to them on purpose), served from the small partial index items_assigned_idx.
 */
const CLAIM_ASSIGNED_SQL = claimSql(`assigned_to = $3 AND queue_id = $1 AND review_state = 'waiting'
    AND review_rank >= $2 AND assigned_until > now() AND $4::boolean IS NOT NULL
    AND NOT ($3 = ANY (reviewed_by)) AND NOT (id = ANY ($7::uuid[]))`);

function claimSql(candidates: string): string {
  return `
WITH picked AS (
  SELECT id FROM items
  WHERE ${candidates}
  ORDER BY review_rank, queued_at, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE items i SET
    review_state = 'claimed', claimed_by = $3, claimed_at = now(), lease_token = $5,
    lease_expires_at = now() + make_interval(secs => $6), released_by = NULL, updated_at = now(),
    status = CASE WHEN i.status = 'pending' THEN 'in_review' ELSE i.status END,
    -- A claim settles any reservation: the assignee took it, or it had lapsed.
    assigned_to = NULL, assigned_to_name = NULL, assigned_until = NULL, assigned_by = NULL
  FROM picked WHERE i.id = picked.id
  RETURNING i.*
), cleared AS (
  -- "Just released" holds for one claim: after it, their other released items are fair game
  -- again. SKIP LOCKED: a row someone else is claiming loses the mark anyway, and waiting for it
  -- could deadlock with a claimer clearing their own marks.
  UPDATE items SET released_by = NULL
  WHERE id IN (
      SELECT id FROM items WHERE queue_id = $1 AND review_state = 'waiting' AND released_by = $3
      FOR UPDATE SKIP LOCKED)
    AND id NOT IN (SELECT id FROM picked)
    AND EXISTS (SELECT 1 FROM picked)
)
SELECT c.*, e.seq AS last_event_seq, e.hash AS last_event_hash
FROM claimed c
LEFT JOIN LATERAL (SELECT seq, hash FROM item_events WHERE item_id = c.id ORDER BY seq DESC LIMIT 1) e ON true`;
}

/** How often a claim looks again when the only candidates were momentarily locked. */
const CLAIM_ROUNDS_WHEN_LOCKED = 5;

/**
 * Skip rotation: each reviewer's recently released items per queue, newest first. Long enough to
 * cover a working session's skips, short-lived so a forgotten list never hides items for long.
 */
const SKIPS_KEPT = 200;
const SKIPS_TTL_SECONDS = 30 * 60;

/** A margin so a lease.expire job never fires a hair before Postgres's clock says the lease ended. */
const TIMER_SLACK_MS = 100;

@Injectable()
export class ClaimsService {
  private readonly logger = new Logger('Claims');

  constructor(
    private readonly transitions: ItemTransitionsService,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
    private readonly jobs: JobsService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private skipsKey(queueId: string, userId: string): string {
    return this.keys.key('skips', queueId, userId);
  }

  /** What this reviewer skipped lately in this queue; none when Redis is away (skips are a nicety). */
  private async recentSkips(queueId: string, userId: string): Promise<string[]> {
    return this.redis.lrange(this.skipsKey(queueId, userId), 0, SKIPS_KEPT - 1).catch(() => []);
  }

  private async rememberSkip(queueId: string, userId: string, itemId: string): Promise<void> {
    const key = this.skipsKey(queueId, userId);
    await this.redis
      .multi()
      .lrem(key, 0, itemId)
      .lpush(key, itemId)
      .ltrim(key, 0, SKIPS_KEPT - 1)
      .expire(key, SKIPS_TTL_SECONDS)
      .exec()
      .catch(() => undefined);
  }

  private async forgetSkips(queueId: string, userId: string): Promise<void> {
    await this.redis.del(this.skipsKey(queueId, userId)).catch(() => undefined);
  }

  /** The next item for this person, leased to them; null when nothing waits for them. */
  async claim(principal: Principal, slug: string) {
    // Before the lookup: someone who may not review it learns nothing about whether it exists.
    assert(canReview(principal, slug), 'not allowed to review this queue');
    const queue = await this.queues.findBySlug(slug);
    const user = principal as UserPrincipal;
    const minRank = isLead(principal) ? 0 : 1;
    const token = randomBytes(12).toString('base64url');
    const skipped = await this.recentSkips(queue.id, user.id);
    let item: Item | null = null;
    for (let round = 0; round < CLAIM_ROUNDS_WHEN_LOCKED; round++) {
      const claimed = await this.tryClaim(
        principal,
        queue.id,
        queue.leaseSeconds,
        minRank,
        user.id,
        token,
        skipped,
      );
      item = claimed?.item ?? null;
      // Everything waiting has been skipped once: the rotation starts again from the head.
      if (claimed?.fromSkipped) await this.forgetSkips(queue.id, user.id);
      // SKIP LOCKED passes rows another transaction holds for a moment (a claimer mid-claim, a
      // sweep, an after-commit update). Nothing claimed while such a row waits is no reason to
      // answer "nothing to review": wait a beat and look again.
      if (item || !(await this.lockedCandidateExists(queue.id, minRank, user.id))) break;
      await new Promise((resolve) => setTimeout(resolve, 20 * (round + 1)));
    }
    if (!item) return null;
    return this.afterClaim(principal, item);
  }

  /** Is there a row this person could claim that the SKIP LOCKED pick passed over? */
  private async lockedCandidateExists(
    queueId: string,
    minRank: number,
    userId: string,
  ): Promise<boolean> {
    const rows: { found: boolean }[] = await this.transitions.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM items WHERE queue_id = $1 AND review_state = 'waiting'
         AND review_rank >= $2 AND NOT ($3 = ANY (reviewed_by))
         AND (assigned_to IS NULL OR assigned_to = $3 OR assigned_until <= now())) AS found`,
      [queueId, minRank, userId],
    );
    return rows[0]?.found === true;
  }

  private tryClaim(
    principal: Principal,
    queueId: string,
    leaseSeconds: number,
    minRank: number,
    userId: string,
    token: string,
    skipped: string[],
  ): Promise<{ item: Item; fromSkipped: boolean } | null> {
    return retryOnChainRace((careful) =>
      this.transitions.dataSource.transaction(async (manager) => {
        const attempt = async (allowReleased: boolean, exclude: string[], sql = CLAIM_SQL) =>
          (await manager.query(sql, [
            queueId,
            minRank,
            userId,
            allowReleased,
            token,
            leaseSeconds,
            exclude,
          ])) as Record<string, unknown>[];
        // Their reservations first, then the line as everyone sees it. Skip rotates: items
        // skipped lately wait until everything else has been seen; then the oldest comes back
        // first, and what they just released only when nothing else waits for them.
        let rows = await attempt(false, skipped, CLAIM_ASSIGNED_SQL);
        const wasAssigned = rows.length > 0;
        if (rows.length === 0) rows = await attempt(false, skipped);
        let fromSkipped = false;
        if (rows.length === 0 && skipped.length > 0) {
          rows = await attempt(false, []);
          fromSkipped = true;
        }
        if (rows.length === 0) rows = await attempt(true, []);
        if (rows.length === 0) return null;
        const claimed = this.transitions.toItem(rows[0]);
        const last = careful ? await readLastEvent(manager, claimed.id) : lastEventOf(rows[0]);
        await this.transitions.appendEvents(manager, claimed, last, [
          {
            type: 'claimed',
            actor: actorOf(principal),
            details: {
              reviewClass: claimed.reviewClass,
              leaseExpiresAt: claimed.leaseExpiresAt,
              ...(wasAssigned ? { assigned: true } : {}),
            },
            at: claimed.claimedAt ?? undefined,
          },
        ]);
        return { item: claimed, fromSkipped };
      }),
    );
  }

  private async afterClaim(principal: Principal, item: Item) {
    // A claim only ever takes a waiting item, and only a pending one becomes in_review.
    const previous: PreviousItemState = {
      reviewState: 'waiting',
      reviewRank: item.reviewRank,
      status: item.status === 'in_review' ? 'pending' : item.status,
    };
    this.scheduleExpiry(item);
    const [view] = await Promise.all([
      // reviewed_by lists everyone who ever decided the item: empty means no reviews to read.
      item.reviewedBy?.length
        ? this.items.withReviews(item, principal)
        : { ...toItemView(item), reviews: [] },
      this.transitions.announce(previous, item, 'claimed', actorOf(principal)),
    ]);
    return { item: view, lease: { expiresAt: item.leaseExpiresAt } };
  }

  /** Pushes the holder's lease to now + leaseSeconds. */
  async extend(principal: Principal, id: string) {
    const { user, item } = await reviewableItem(this.transitions.dataSource.manager, principal, id);
    const queue = await this.queues.findBySlug(item.queueSlug);
    const rows: { lease_expires_at: Date; lease_token: string }[] =
      await this.transitions.dataSource.query(
        // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE yields [rows, count]).
        `WITH extended AS (
         UPDATE items SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 AND review_state = 'claimed' AND claimed_by = $2 AND lease_expires_at > now()
         RETURNING lease_expires_at, lease_token)
       SELECT * FROM extended`,
        [id, user.id, queue.leaseSeconds],
      );
    if (rows.length === 0) {
      // Say why: not theirs, expired, or already decided.
      await this.transitions.dataSource.transaction(async (manager) => {
        const locked = await this.transitions.lock(manager, id);
        if (locked) assertHolder(locked, user.id);
      });
      throw new ConflictException('you do not hold the lease on this item');
    }
    const expiresAt = rows[0].lease_expires_at;
    this.scheduleExpiry({ id, leaseToken: rows[0].lease_token, leaseExpiresAt: expiresAt });
    return { expiresAt };
  }

  /** The holder hands the item back; it keeps its place in line but skips them on their next claim. */
  async release(principal: Principal, id: string): Promise<void> {
    const user = requireUser(principal);
    const applied = await this.transitions.apply(id, (locked) => {
      assertReviewer(principal, locked);
      assertHolder(locked, user.id);
      return {
        changes: requeueChanges(locked, user.id),
        events: [
          {
            type: 'released',
            actor: actorOf(principal),
            details: { reviewClass: locked.reviewClass, why: 'released by the holder' },
          },
        ],
        change: 'released',
        actor: actorOf(principal),
      };
    });
    if (!applied) throw new NotFoundException('item not found');
    await this.rememberSkip(applied.item.queueId, user.id, id);
  }

  /**
   * Returns an item whose lease lapsed to the line (from the lease.expire job or the sweep).
   * With a token, only that lease: a stale timer for an earlier claim does nothing.
   */
  async expire(id: string, token?: string, skipLocked = false): Promise<boolean> {
    let early = 0;
    const applied = await this.transitions.apply(
      id,
      (locked) => {
        if (
          locked.reviewState !== 'claimed' ||
          (token !== undefined && locked.leaseToken !== token)
        )
          return null;
        const left = (locked.leaseExpiresAt?.getTime() ?? 0) - locked.dbNow.getTime();
        if (left > 0) {
          early = left;
          return null;
        }
        return {
          changes: requeueChanges(locked, null),
          events: [
            {
              type: 'lease_expired',
              actor: 'system',
              details: {
                holder: `user:${locked.claimedBy}`,
                expiredAt: locked.leaseExpiresAt,
                why: 'the lease was not extended in time',
              },
            },
          ],
          change: 'lease_expired',
          actor: 'system',
        };
      },
      { skipLocked },
    );
    // A timer that fired a little early (clock skew) tries again; an extended lease has its own timer.
    if (early > 0 && early < 5_000 && token)
      this.scheduleExpiry({ id, leaseToken: token, leaseExpiresAt: new Date(Date.now() + early) });
    return applied !== null;
  }

  private scheduleExpiry(item: Pick<Item, 'id' | 'leaseToken' | 'leaseExpiresAt'>): void {
    if (!item.leaseToken || !item.leaseExpiresAt) return;
    const at = item.leaseExpiresAt.getTime();
    void this.jobs
      .enqueue(
        'lease.expire',
        { itemId: item.id, token: item.leaseToken },
        {
          delay: Math.max(0, at - Date.now()) + TIMER_SLACK_MS,
          jobId: `lease-${item.id}-${item.leaseToken}-${at}`,
          removeOnComplete: true,
        },
      )
      // The periodic Postgres sweep expires the lease anyway; the timer only makes it prompt.
      .catch((error: Error) =>
        warnOrOutage(
          this.logger,
          error,
          `could not schedule lease expiry for ${item.id}: ${error.message}`,
        ),
      );
  }
}
