import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { assert, canReview, requireUser } from '../auth/access';
import { invalidField } from '../common/errors';
import type { Principal, UserPrincipal } from '../common/principal';
import { holderRefusal, isRefusal, type ItemFacts, type Refusal } from '../items/item-state';
import type { ItemStore } from '../items/item-store';
import type { Item } from '../items/item.entity';

/**
 * Who may act on an item under review: a user allowed to review its queue (403 otherwise),
 * on an item that exists (404). Checked before the item's row is locked.
 */
export async function reviewableItem(
  store: ItemStore,
  principal: Principal,
  id: string,
): Promise<{ user: UserPrincipal; item: Item }> {
  const user = requireUser(principal);
  const item = await store.findById(id);
  if (!item) throw new NotFoundException('item not found');
  assert(canReview(principal, item.queueSlug), 'not allowed to review items of this queue');
  return { user, item };
}

/** 403 unless the principal may review the (locked) item's queue. */
export function assertReviewer(principal: Principal, item: Pick<Item, 'queueSlug'>): void {
  assert(canReview(principal, item.queueSlug), 'not allowed to review items of this queue');
}

/** The HTTP error for a transition item-state refused. */
export function refusalError(refusal: Refusal): Error {
  if (refusal.refused === 'invalid') return invalidField(refusal.field, refusal.message);
  if (refusal.refused === 'forbidden') return new ForbiddenException(refusal.message);
  return new ConflictException(refusal.message);
}

/** The transition's outcome, or its refusal thrown as the matching HTTP error. */
export function orRefuse<T>(outcome: T | Refusal): T {
  if (isRefusal(outcome)) throw refusalError(outcome);
  return outcome;
}

/** 409 unless `userId` holds a live lease on the locked item. */
export function assertHolder(item: ItemFacts, userId: string): void {
  const refusal = holderRefusal(item, userId);
  if (refusal) throw refusalError(refusal);
}
