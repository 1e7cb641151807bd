import type { Item, ItemStatus, ReviewClass } from '../items/item.entity';
import type { LiveComment } from '../items/comments.dto';
import type { Route } from '../routing/policy.types';

/** What a subscriber learns about an item: enough to update a list without fetching it. */
export interface LiveItem {
  id: string;
  queue: string;
  externalId: string | null;
  status: ItemStatus;
  routing: Route;
  usable: boolean;
  decidedBy: Item['decidedBy'];
  reviewState: Item['reviewState'];
  reviewClass: ReviewClass | null;
  confidence: number;
  model: { name: string; version: string | null };
  claimedBy: string | null;
  leaseExpiresAt: Date | null;
  queuedAt: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
  slaDueAt: Date | null;
  /** The audit actor behind the change ("user:<id>", "system", "timeout"), when there is one. */
  actor?: string;
}

export interface QueueStatsEvent {
  queue: string;
  pending: number;
  inReview: number;
  escalated: number;
  oldestPendingSeconds: number;
}

// Built by CommentsService.liveView, so declared beside it in items (live sits above items).
export type { LiveComment } from '../items/comments.dto';

/** A lead reserved a waiting item for one reviewer (assignedTo), or removed the reservation (null). */
export interface ItemAssignedEvent {
  id: string;
  queue: string;
  status: ItemStatus;
  routing: Route;
  assignedTo: { id: string; name: string } | null;
  assignedUntil: Date | null;
  actor: string;
}

export type SubscribeAck = { ok: true } | { ok: false; error: string };

/** Events the server sends on /live, always to the room of one queue (or to one socket). */
export interface ServerToClientEvents {
  'item.queued': (item: LiveItem) => void;
  'item.claimed': (item: LiveItem) => void;
  'item.released': (item: LiveItem) => void;
  'item.decided': (item: LiveItem) => void;
  'queue.stats': (stats: QueueStatsEvent) => void;
  'item.commented': (comment: LiveComment) => void;
  'item.assigned': (event: ItemAssignedEvent) => void;
}

/** Events a client may send on /live. */
export interface ClientToServerEvents {
  subscribe: (body: { queue: string }, ack?: (result: SubscribeAck) => void) => void;
  unsubscribe: (body: { queue: string }, ack?: (result: SubscribeAck) => void) => void;
}

export type LiveItemEvent = 'item.queued' | 'item.claimed' | 'item.released' | 'item.decided';
export const LIVE_ITEM_EVENTS: ReadonlySet<unknown> = new Set<LiveItemEvent>([
  'item.queued',
  'item.claimed',
  'item.released',
  'item.decided',
]);

/** One item event of a batch that instances pass to each other as a single message. */
export type LiveItemEntry = [slug: string, event: LiveItemEvent, item: LiveItem];

export function toLiveItem(item: Item, actor?: string): LiveItem {
  return {
    id: item.id,
    queue: item.queueSlug,
    externalId: item.externalId,
    status: item.status,
    routing: item.routing,
    usable: item.usable,
    decidedBy: item.decidedBy,
    reviewState: item.reviewState,
    reviewClass: item.reviewClass,
    confidence: item.confidence,
    model: { name: item.modelName, version: item.modelVersion },
    claimedBy: item.claimedBy,
    leaseExpiresAt: item.leaseExpiresAt,
    queuedAt: item.queuedAt,
    createdAt: item.createdAt,
    decidedAt: item.decidedAt,
    slaDueAt: item.slaDueAt,
    ...(actor ? { actor } : {}),
  };
}

export const roomOf = (slug: string) => `queue:${slug}`;

/** The queue slug of a room named by roomOf, else null. */
export const slugOfRoom = (room: unknown): string | null =>
  typeof room === 'string' && room.startsWith('queue:') ? room.slice('queue:'.length) : null;
