import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assert, canReview, requireUser } from '../auth/access';
import type { Principal, UserPrincipal } from '../common/principal';
import { Item } from '../items/item.entity';
import { isFinal } from './decision-rules';
import type { LockedItem } from './item-transitions.service';

/**
 * Who may act on an item under review: a user allowed to review its queue (403 otherwise),
 * on an item that exists (404). Checked before the item's row is locked.
 */
export async function reviewableItem(
  manager: EntityManager,
  principal: Principal,
  id: string,
): Promise<{ user: UserPrincipal; item: Item }> {
  const user = requireUser(principal);
  const item = await manager.findOne(Item, { where: { id } });
  if (!item) throw new NotFoundException('item not found');
  assert(canReview(principal, item.queueSlug), 'not allowed to review items of this queue');
  return { user, item };
}

/** 403 unless the principal may review the (locked) item's queue. */
export function assertReviewer(principal: Principal, item: Pick<Item, 'queueSlug'>): void {
  assert(canReview(principal, item.queueSlug), 'not allowed to review items of this queue');
}

/** 409 unless `userId` holds a live lease on the locked item. */
export function assertHolder(item: LockedItem, userId: string): void {
  if (item.reviewState === 'none' && isFinal(item)) {
    throw new ConflictException(`item is already decided (${item.status})`);
  }
  if (item.reviewState !== 'claimed' || item.claimedBy !== userId) {
    throw new ConflictException('you do not hold the lease on this item (claim it first)');
  }
  if (!item.leaseExpiresAt || item.leaseExpiresAt.getTime() <= item.dbNow.getTime()) {
    throw new ConflictException(
      `your lease on this item expired at ${item.leaseExpiresAt?.toISOString()}`,
    );
  }
}
