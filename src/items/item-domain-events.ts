/**
 * The domain events about items (see common/domain-events.ts), declared here because their
 * payloads are items' types: the bus below knows only the names.
 */
import type { Item } from './item.entity';

export type PreviousItemState = Pick<Item, 'status' | 'reviewState' | 'reviewRank'>;

export type ItemChange =
  | 'claimed'
  | 'released'
  | 'lease_expired'
  | 'decided'
  | 'escalated'
  | 'reported'
  | 'timed_out'
  | 'requeued';

declare module '../common/domain-events' {
  interface DomainEventMap {
    /** New items were stored (one flush of submissions). */
    'items.submitted': { items: Item[] };
    /** An item changed state; `previousStatus` lets subscribers spot final-status changes. */
    'item.changed': {
      item: Item;
      previousStatus: Item['status'];
      /** Where the item stood in the review line before (the review line moves its job by it). */
      previous: PreviousItemState;
      change: ItemChange;
      actor: string;
    };
    /**
     * Someone commented on an item (POST /v1/items/:id/comments), after the commit. `authorId` is
     * the user's id, null when an API key wrote it. Live updates forward it to the queue's room;
     * notifications listen for mentions.
     */
    'item.commented': {
      itemId: string;
      queueId: string;
      commentId: string;
      authorId: string | null;
      body: string;
    };
    /**
     * A lead reserved a waiting item for one reviewer (`assignedTo`), or removed the reservation
     * (null), after the commit. Not a change of the item's state, so no 'item.changed'; live
     * updates forward it to the queue's room.
     */
    'item.assigned': {
      id: string;
      queue: string;
      status: Item['status'];
      routing: Item['routing'];
      assignedTo: { id: string; name: string } | null;
      assignedUntil: Date | null;
      actor: string;
    };
  }
}
