import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { QueueStatsService } from '../analytics/queue-stats.service';
import type { DomainEventMap } from '../common/domain-events';
import { CommentsService } from '../items/comments.service';
import { FINAL_STATUSES, type Item } from '../items/item.entity';
import { QueuesService } from '../queues/queues.service';
import { LiveEmitter, type LiveSocket } from './live-emitter.service';
import type { LiveItemEvent } from './live.events';
import { warnOrOutage } from '../common/outage-log';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';

/** At most this many 'queue.stats' per second per queue (per instance), trailing the changes. */
const STATS_MIN_GAP_MS = 300;
const STATS_SETTLE_MS = 50;
/**
 * The counts are one query over the queue's waiting line, so their cost grows with the line
 * (~0.7 s at a million waiting items). Between two publications the database gets at least
 * this many times the last query's duration to itself, so a huge line cannot keep Postgres busy
 * counting while reviewers claim from it.
 */
const STATS_COST_FACTOR = 5;

interface StatsSlot {
  queueId: string;
  timer?: NodeJS.Timeout;
  lastAt: number;
  /** How long the last count took (ms). */
  lastCostMs: number;
  /** A count is running; `again` asks for one more after it (a change it may not have seen). */
  running: boolean;
  again: boolean;
}

/**
 * Turns domain events into live events for the queue's room. Item events go out at once; the
 * queue's counts follow, coalesced, read fresh from Postgres after the change.
 */
@Injectable()
export class LiveUpdatesService implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveUpdates');
  private readonly slots = new Map<string, StatsSlot>();
  private closed = false;

  constructor(
    private readonly emitter: LiveEmitter,
    private readonly stats: QueueStatsService,
    private readonly comments: CommentsService,
    private readonly queues: QueuesService,
  ) {
    emitter.onOtherInstanceItemEvent((slug) => this.changedElsewhere(slug));
  }

  /** Another instance changed an item of the queue: count again if someone watches it here. */
  private changedElsewhere(slug: string): void {
    if (this.closed || !this.emitter.watchedHere(slug)) return;
    const slot = this.slots.get(slug);
    if (slot) return this.scheduleStats({ queueSlug: slug, queueId: slot.queueId });
    this.queues.findBySlug(slug).then(
      (queue) => this.scheduleStats({ queueSlug: slug, queueId: queue.id }),
      () => undefined, // deleted meanwhile, or the database is away: the next change retries
    );
  }

  @OnDomainEvent('items.submitted')
  onItemsSubmitted({ items }: DomainEventMap['items.submitted']) {
    return this.submitted(items);
  }

  @OnDomainEvent('item.changed')
  onItemChanged(payload: DomainEventMap['item.changed']) {
    return this.changed(payload);
  }

  @OnDomainEvent('item.commented')
  onItemCommented({ commentId }: DomainEventMap['item.commented']) {
    return this.commented(commentId);
  }

  @OnDomainEvent('item.assigned')
  onItemAssigned(event: DomainEventMap['item.assigned']): void {
    this.emitter.toQueue(event.queue, 'item.assigned', {
      id: event.id,
      queue: event.queue,
      status: event.status,
      routing: event.routing,
      assignedTo: event.assignedTo,
      assignedUntil: event.assignedUntil,
      actor: event.actor,
    });
  }

  /** Read back after the commit so the event carries the author's name and the stored time. */
  private async commented(commentId: string): Promise<void> {
    const comment = await this.comments.liveView(commentId);
    if (comment) this.emitter.toQueue(comment.queue, 'item.commented', comment);
  }

  private submitted(items: Item[]): void {
    const events: { event: LiveItemEvent; item: Item }[] = [];
    for (const item of items) {
      // Auto-approval is the policy's decision; an audit-sampled item is also queued for review.
      if (FINAL_STATUSES.includes(item.status)) events.push({ event: 'item.decided', item });
      if (item.reviewState === 'waiting') events.push({ event: 'item.queued', item });
      this.scheduleStats(item);
    }
    this.emitter.items(events);
  }

  /**
   * An escalation is a reviewer's decision (item.decided with status escalated) and also puts
   * the item back in line for leads (item.queued); a partial decision under requiredReviews > 1
   * only puts it back in line. Released and expired leases are item.released: back in line.
   */
  private changed({ item, change, actor }: DomainEventMap['item.changed']): void {
    const final = FINAL_STATUSES.includes(item.status);
    switch (change) {
      case 'claimed':
        this.emitter.item('item.claimed', item, actor);
        break;
      case 'released':
      case 'lease_expired':
        this.emitter.item('item.released', item, actor);
        break;
      case 'decided':
      case 'timed_out':
      case 'escalated':
        if (final || item.status === 'escalated') this.emitter.item('item.decided', item, actor);
        if (item.reviewState === 'waiting') this.emitter.item('item.queued', item, actor);
        break;
      default:
        // reported, requeued: back in line for review
        if (item.reviewState === 'waiting') this.emitter.item('item.queued', item, actor);
        else if (final) this.emitter.item('item.decided', item, actor);
    }
    this.scheduleStats(item);
  }

  /**
   * The counts are a query over the queue's line, so they are only made for queues someone
   * watches on this instance (each instance counts for its own subscribers, and hears of other
   * instances' changes through their item events). An adapter without the hooks that tell of
   * other instances' events: count on every change here and send the counts to every instance.
   */
  private scheduleStats(item: Pick<Item, 'queueSlug' | 'queueId'>): void {
    if (this.closed) return;
    if (this.emitter.hearsOtherInstances && !this.emitter.watchedHere(item.queueSlug)) return;
    let slot = this.slots.get(item.queueSlug);
    if (!slot)
      this.slots.set(
        item.queueSlug,
        (slot = { queueId: item.queueId, lastAt: 0, lastCostMs: 0, running: false, again: false }),
      );
    if (slot.timer) return;
    if (slot.running) {
      slot.again = true;
      return;
    }
    const gap = Math.max(STATS_MIN_GAP_MS, STATS_COST_FACTOR * slot.lastCostMs);
    const delay = Math.max(STATS_SETTLE_MS, slot.lastAt + gap - Date.now());
    const s = slot;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.publishStats(item, s);
    }, delay);
  }

  private async publishStats(
    item: Pick<Item, 'queueSlug' | 'queueId'>,
    slot: StatsSlot,
  ): Promise<void> {
    const slug = item.queueSlug;
    const started = Date.now();
    slot.running = true;
    slot.lastAt = started;
    try {
      const stats = await this.stats.lineStats(slot.queueId, 0);
      slot.lastCostMs = Date.now() - started;
      const event = { queue: slug, ...stats };
      if (this.emitter.hearsOtherInstances) this.emitter.toQueueHere(slug, 'queue.stats', event);
      else this.emitter.toQueue(slug, 'queue.stats', event);
    } catch (error) {
      warnOrOutage(
        this.logger,
        error,
        `queue.stats for ${slug} failed: ${(error as Error).message}`,
      );
    } finally {
      // The gap runs from the end of the count, so a slow count is not followed at once by the next.
      slot.running = false;
      slot.lastAt = Date.now();
      if (slot.again) {
        slot.again = false;
        this.scheduleStats(item);
      }
    }
  }

  /** The current counts for one socket that just subscribed. */
  async sendStats(socket: LiveSocket, slug: string, queueId: string): Promise<void> {
    try {
      const stats = await this.stats.lineStats(queueId);
      this.emitter.toSocket(socket, 'queue.stats', { queue: slug, ...stats });
    } catch (error) {
      warnOrOutage(
        this.logger,
        error,
        `queue.stats for ${slug} failed: ${(error as Error).message}`,
      );
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
  }
}
