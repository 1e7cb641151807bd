import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { assert, canReview, isLead, requireUser } from '../auth/access';
import { actorOf, type Principal, type UserPrincipal } from '../common/principal';
import type { PreviousItemState } from '../items/item-domain-events';
import { ItemStore } from '../items/item-store';
import { leaseLapsed, released } from '../items/item-state';
import { Item } from '../items/item.entity';
import { ItemsService } from '../items/items.service';
import { toItemView } from '../items/item.view';
import { QueuesService } from '../queues/queues.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { assertHolder, assertReviewer, orRefuse, reviewableItem } from './review-access';
import { LeaseTimers } from './lease-timers';

/** How often a claim looks again when the only candidates were momentarily locked. */
const CLAIM_ROUNDS_WHEN_LOCKED = 5;

/**
 * Skip rotation: each reviewer's recently released items per queue, newest first. Long enough to
 * cover a working session's skips, short-lived so a forgotten list never hides items for long.
 */
const SKIPS_KEPT = 200;
const SKIPS_TTL_SECONDS = 30 * 60;

@Injectable()
export class ClaimsService {
  constructor(
    private readonly store: ItemStore,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
    private readonly leaseTimers: LeaseTimers,
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
    let claimed: { item: Item; previous: PreviousItemState } | null = null;
    for (let round = 0; round < CLAIM_ROUNDS_WHEN_LOCKED; round++) {
      const next = await this.store.claimNext({
        queueId: queue.id,
        minRank,
        userId: user.id,
        actor: actorOf(principal),
        token,
        leaseSeconds: queue.leaseSeconds,
        skipped,
      });
      claimed = next;
      // Everything waiting has been skipped once: the rotation starts again from the head.
      if (next?.fromSkipped) await this.forgetSkips(queue.id, user.id);
      // SKIP LOCKED passes rows another transaction holds for a moment (a claimer mid-claim, a
      // sweep, an after-commit update). Nothing claimed while such a row waits is no reason to
      // answer "nothing to review": wait a beat and look again.
      if (next || !(await this.store.lockedCandidateExists(queue.id, minRank, user.id))) break;
      await new Promise((resolve) => setTimeout(resolve, 20 * (round + 1)));
    }
    if (!claimed) return null;
    return this.afterClaim(principal, claimed.item, claimed.previous);
  }

  private async afterClaim(principal: Principal, item: Item, previous: PreviousItemState) {
    this.scheduleExpiry(item);
    const [view] = await Promise.all([
      // reviewed_by lists everyone who ever decided the item: empty means no reviews to read.
      item.reviewedBy?.length
        ? this.items.withReviews(item, principal)
        : { ...toItemView(item), reviews: [] },
      this.store.announce(previous, item, 'claimed', actorOf(principal)),
    ]);
    return { item: view, lease: { expiresAt: item.leaseExpiresAt } };
  }

  /** Pushes the holder's lease to now + leaseSeconds. */
  async extend(principal: Principal, id: string) {
    const { user, item } = await reviewableItem(this.store, principal, id);
    const queue = await this.queues.findBySlug(item.queueSlug);
    const extended = await this.store.extendLease(id, user.id, queue.leaseSeconds);
    if (!extended) {
      // Say why: not theirs, expired, or already decided.
      const locked = await this.store.readLocked(id);
      if (locked) assertHolder(locked, user.id);
      throw new ConflictException('you do not hold the lease on this item');
    }
    const expiresAt = extended.leaseExpiresAt;
    this.scheduleExpiry({ id, leaseToken: extended.leaseToken, leaseExpiresAt: expiresAt });
    return { expiresAt };
  }

  /** The holder hands the item back; it keeps its place in line but skips them on their next claim. */
  async release(principal: Principal, id: string): Promise<void> {
    const user = requireUser(principal);
    const applied = await this.store.apply(id, (locked) => {
      assertReviewer(principal, locked);
      return orRefuse(released(locked, user.id, actorOf(principal)));
    });
    if (!applied) throw new NotFoundException('item not found');
    this.leaseTimers.clear(id, applied.previous.leaseToken);
    await this.rememberSkip(applied.item.queueId, user.id, id);
  }

  /**
   * Returns an item whose lease lapsed to the line (from its lease timer or the sweep). With a
   * token, only that lease: a stale timer for an earlier claim does nothing.
   */
  async expire(id: string, token?: string, skipLocked = false): Promise<boolean> {
    let early = 0;
    const applied = await this.store.apply(
      id,
      (locked) => {
        const outcome = leaseLapsed(locked, token);
        if (outcome && 'notYetMs' in outcome) {
          early = outcome.notYetMs;
          return null;
        }
        return outcome;
      },
      { skipLocked },
    );
    // The sweep lapsed it: a timer of this lease here has nothing left to do.
    if (applied) this.leaseTimers.clear(id, applied.previous.leaseToken);
    // A timer that fired a little early (clock skew) tries again; an extended lease has its own
    // timer on the instance that extended it.
    if (early > 0 && early < 5_000 && token)
      this.scheduleExpiry(
        { id, leaseToken: token, leaseExpiresAt: new Date(Date.now() + early) },
        false,
      );
    return applied !== null;
  }

  /** Arms this instance's timer for the lease (the Postgres sweep is the backstop). */
  private scheduleExpiry(
    item: Pick<Item, 'id' | 'leaseToken' | 'leaseExpiresAt'>,
    replace = true,
  ): void {
    if (!item.leaseToken || !item.leaseExpiresAt) return;
    this.leaseTimers.arm(
      item.id,
      item.leaseToken,
      item.leaseExpiresAt,
      (id, token) => this.expire(id, token),
      { replace },
    );
  }
}
