import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import type { ItemChange, PreviousItemState } from '../items/item-domain-events';
import { ItemChangesService } from '../items/item-changes.service';
import { Item } from '../items/item.entity';
import { ItemEvent } from '../items/item-event.entity';
import { ItemEventsService, NewItemEvent } from '../items/item-events.service';
import { insertSql, SqlParams, updateSql } from './sql-writer';
import { Review } from '../items/review.entity';
import { isUniqueViolation } from '../common/pg-errors';

export type LastEvent = { seq: number; hash: string } | null;

/** An item row read under its row lock, with the database's clock and its newest audit link. */
export type LockedItem = Item & { dbNow: Date; lastEvent: LastEvent };

export function lastEventOf(row: Record<string, unknown>): LastEvent {
  return row.last_event_hash
    ? { seq: Number(row.last_event_seq), hash: row.last_event_hash as string }
    : null;
}

/**
 * Reading an item's newest audit link in the statement that locks the row saves a round trip,
 * but the link comes from the statement's snapshot: if the row lock had to wait, another writer
 * may have appended meanwhile, and our insert collides on item_events (item_id, seq). Then the
 * work runs again with `careful` set: read the link only once the lock is held, which cannot race.
 */
export async function retryOnChainRace<T>(work: (careful: boolean) => Promise<T>): Promise<T> {
  try {
    return await work(false);
  } catch (error) {
    if (!isUniqueViolation(error, 'item_events_item_seq_key')) throw error;
    return work(true);
  }
}

export async function readLastEvent(manager: EntityManager, itemId: string): Promise<LastEvent> {
  const rows: Record<string, unknown>[] = await manager.query(
    'SELECT seq AS last_event_seq, hash AS last_event_hash FROM item_events WHERE item_id = $1 ORDER BY seq DESC LIMIT 1',
    [itemId],
  );
  return rows.length ? lastEventOf(rows[0]) : null;
}

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
  private columns?: [string, string][];
  private readonly metas = new Map<unknown, EntityMetadata>();

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    private readonly domainEvents: DomainEvents,
    private readonly itemChanges: ItemChangesService,
    private readonly itemEvents: ItemEventsService,
  ) {}

  meta(entity: typeof Item | typeof Review | typeof ItemEvent): EntityMetadata {
    let meta = this.metas.get(entity);
    if (!meta) this.metas.set(entity, (meta = this.dataSource.getMetadata(entity)));
    return meta;
  }

  /** Appends audit events after `last` inside the caller's transaction (row already locked). */
  async appendEvents(
    manager: EntityManager,
    item: Item,
    last: LastEvent,
    events: NewItemEvent[],
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = this.itemEvents.chain(item.id, last, events);
    const newest = rows[rows.length - 1];
    // The item row moves its chain head in the same statement (see ItemEventsService).
    const head = this.itemEvents.auditColumns(item, last, { seq: newest.seq, hash: newest.hash });
    const params = new SqlParams();
    const statements = [
      insertSql(this.meta(ItemEvent), rows, params),
      updateSql(this.meta(Item), head, { column: 'id', value: item.id }, params),
    ];
    await manager.query(
      `WITH ${statements.map((sql, n) => `w${n} AS (${sql})`).join(', ')} SELECT 1`,
      params.values,
    );
  }

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

  /**
   * Locks the item row and reads its newest audit link in the same statement. The link is read
   * from the statement's snapshot: if we had to wait for the lock, another transaction may have
   * appended meanwhile, and our insert then collides on (item_id, seq); `apply` retries that.
   */
  async lock(
    manager: EntityManager,
    id: string,
    skipLocked = false,
    careful = false,
  ): Promise<LockedItem | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT i.*, now() AS db_now${careful ? '' : ', e.seq AS last_event_seq, e.hash AS last_event_hash'}
       FROM items i
       ${careful ? '' : 'LEFT JOIN LATERAL (SELECT seq, hash FROM item_events WHERE item_id = i.id ORDER BY seq DESC LIMIT 1) e ON true'}
       WHERE i.id = $1 FOR UPDATE OF i${skipLocked ? ' SKIP LOCKED' : ''}`,
      [id],
    );
    if (rows.length === 0) return null;
    const lastEvent = careful ? await readLastEvent(manager, id) : lastEventOf(rows[0]);
    return Object.assign(this.toItem(rows[0]), { dbNow: rows[0].db_now as Date, lastEvent });
  }

  /**
   * Runs `plan` on the locked item and applies what it returns: item row, review and audit
   * events in one statement. With `skipLocked`, an item someone else is changing right now is
   * skipped (sweeps come back for it later).
   */
  async apply(
    id: string,
    plan: (
      item: LockedItem,
      manager: EntityManager,
    ) => Promise<Transition | null> | Transition | null,
    options: { skipLocked?: boolean } = {},
  ): Promise<Applied | null> {
    const applied = await retryOnChainRace((careful) =>
      this.dataSource.transaction(async (manager) => {
        const locked = await this.lock(manager, id, options.skipLocked, careful);
        if (!locked) return null;
        const transition = await plan(locked, manager);
        if (!transition) return null;
        const { dbNow, lastEvent, ...previous } = locked;
        const changes: Partial<Item> = { ...transition.changes, updatedAt: dbNow };
        // Kept on the row so claims skip what the claimer already reviewed without a join.
        if (transition.review)
          changes.reviewedBy = [...(locked.reviewedBy ?? []), transition.review.reviewerId!];
        const events = this.itemEvents.chain(
          id,
          lastEvent,
          transition.events.map((e) => ({ ...e, at: e.at ?? dbNow })),
        );
        // The head covers the newest event and the item's verdict after this change.
        const newest = events.length ? events[events.length - 1] : lastEvent;
        Object.assign(
          changes,
          this.itemEvents.auditColumns(
            { ...previous, ...changes, id } as Item,
            lastEvent,
            newest ? { seq: newest.seq, hash: newest.hash } : null,
          ),
        );
        const params = new SqlParams();
        const statements = [
          updateSql(this.meta(Item), changes, { column: 'id', value: id }, params),
        ];
        if (transition.review)
          statements.push(insertSql(this.meta(Review), [transition.review], params));
        if (events.length > 0) statements.push(insertSql(this.meta(ItemEvent), events, params));
        await manager.query(
          `WITH ${statements.map((sql, n) => `w${n} AS (${sql})`).join(', ')} SELECT 1`,
          params.values,
        );
        const item = Object.assign(new Item(), previous, changes);
        return { previous: Object.assign(new Item(), previous), item, transition };
      }),
    );
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
   * After-commit effects: the domain event (the review line, live updates, webhooks and
   * notifications listen) and the long-poll wake-up. None may fail the caller: the change is
   * already durable, and the sweepers and long-poll re-checks repair anything Redis missed.
   */
  async announce(
    previous: PreviousItemState,
    item: Item,
    change: ItemChange,
    actor: string,
  ): Promise<void> {
    await Promise.all([
      this.domainEvents.emit('item.changed', {
        item,
        previousStatus: previous.status,
        previous: {
          status: previous.status,
          reviewState: previous.reviewState,
          reviewRank: previous.reviewRank,
        },
        change,
        actor,
      }),
      this.itemChanges.announce([item.id]).catch(() => undefined),
    ]);
  }
}
