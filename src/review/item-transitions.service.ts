import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DomainEvents, ItemChange } from '../common/domain-events';
import { ItemChangesService } from '../items/item-changes.service';
import { Item } from '../items/item.entity';
import { ItemEventsService, NewItemEvent } from '../items/item-events.service';
import { Review } from './review.entity';
import { ReviewLineService } from './review-line.service';

/** An item row read under its row lock, with the database's clock at that moment. */
export type LockedItem = Item & { dbNow: Date };

/** What one state change does to a locked item; `null` from a planner means "nothing to do". */
export interface Transition {
  changes: Partial<Item>;
  events: NewItemEvent[];
  change: ItemChange;
  actor: string;
  review?: Partial<Review>;
  /** Bookkeeping nobody outside needs to hear about (no audit event, no announcement). */
  quiet?: boolean;
}

export interface Applied {
  previous: Item;
  item: Item;
  transition: Transition;
}

/**
 * The one path by which reviewing changes an item: lock the row, plan, write the row, the
 * review and the audit events in one transaction, then tell everyone after the commit
 * (review line in Redis, 'item.changed' subscribers, long-polls). Postgres times (now())
 * are used throughout so several instances agree on lease and SLA deadlines.
 */
@Injectable()
export class ItemTransitionsService {
  private readonly logger = new Logger('ItemTransitions');
  private columns?: [string, string][];

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    private readonly itemEvents: ItemEventsService,
    private readonly reviewLine: ReviewLineService,
    private readonly domainEvents: DomainEvents,
    private readonly itemChanges: ItemChangesService,
  ) {}

  /** Maps a raw `items` row (snake_case, as pg returns it) onto an Item. */
  toItem(row: Record<string, unknown>): Item {
    this.columns ??= this.dataSource
      .getMetadata(Item)
      .columns.map((c) => [c.databaseName, c.propertyName] as [string, string]);
    const item = new Item();
    for (const [db, prop] of this.columns)
      (item as unknown as Record<string, unknown>)[prop] = row[db];
    return item;
  }

  async lock(manager: EntityManager, id: string, skipLocked = false): Promise<LockedItem | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT *, now() AS db_now FROM items WHERE id = $1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
      [id],
    );
    if (rows.length === 0) return null;
    return Object.assign(this.toItem(rows[0]), { dbNow: rows[0].db_now as Date });
  }

  /**
   * Runs `plan` on the locked item and applies what it returns. With `skipLocked`, an item
   * someone else is changing right now is skipped (sweeps come back for it later).
   */
  async apply(
    id: string,
    plan: (
      item: LockedItem,
      manager: EntityManager,
    ) => Promise<Transition | null> | Transition | null,
    options: { skipLocked?: boolean } = {},
  ): Promise<Applied | null> {
    const applied = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lock(manager, id, options.skipLocked);
      if (!locked) return null;
      const transition = await plan(locked, manager);
      if (!transition) return null;
      const { dbNow, ...previous } = locked;
      const changes: Partial<Item> = { ...transition.changes, updatedAt: dbNow };
      // Kept on the row so claims skip what the claimer already reviewed without a join.
      if (transition.review)
        changes.reviewedBy = [...(locked.reviewedBy ?? []), transition.review.reviewerId!];
      // jsonb columns hold any JSON, which TypeORM's deep-partial type cannot express.
      await manager.update(Item, { id }, changes as QueryDeepPartialEntity<Item>);
      if (transition.review)
        await manager.insert(Review, transition.review as QueryDeepPartialEntity<Review>);
      await this.itemEvents.append(
        manager,
        id,
        transition.events.map((e) => ({ ...e, at: e.at ?? dbNow })),
      );
      const item = Object.assign(new Item(), previous, changes);
      return { previous: Object.assign(new Item(), previous), item, transition };
    });
    if (applied && !applied.transition.quiet)
      await this.announce(
        applied.previous,
        applied.item,
        applied.transition.change,
        applied.transition.actor,
      );
    return applied;
  }

  /**
   * After-commit effects. None may fail the caller: the change is already durable, and the
   * review-line sweeper and long-poll re-checks repair anything Redis missed.
   */
  async announce(previous: Item, item: Item, change: ItemChange, actor: string): Promise<void> {
    await Promise.all([
      this.syncReviewLine(previous, item).catch((error: Error) =>
        this.logger.warn(`review line update for ${item.id} failed: ${error.message}`),
      ),
      this.domainEvents.emit('item.changed', {
        item,
        previousStatus: previous.status,
        change,
        actor,
      }),
      this.itemChanges.announce([item.id]).catch(() => undefined),
    ]);
  }

  /** Keeps the BullMQ review job in step: gone when the item leaves review, re-added (new priority) when it returns. */
  private async syncReviewLine(previous: Item, item: Item): Promise<void> {
    const wasInLine = previous.reviewState !== 'none';
    if (wasInLine && item.reviewState === 'none') return this.reviewLine.remove(item);
    if (item.reviewState !== 'waiting') return;
    if (wasInLine && previous.reviewRank === item.reviewRank) return;
    if (wasInLine) await this.reviewLine.remove(previous);
    await this.reviewLine.push([item]);
  }
}
