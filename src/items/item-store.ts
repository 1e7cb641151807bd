import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { DirectSql, type Sql } from '../common/direct-sql';
import { DomainEvents } from '../common/domain-events';
import type { PreviousItemState } from './item-domain-events';
import { isUniqueViolation, pgCode } from '../common/pg-errors';
import { prepared, sentWithCommit } from '../common/prepared-sql';
import { combinedSql, insertSql, SqlParams, recordSetSql, updateSql } from '../common/sql';
import { Review } from './review.entity';
import { ClaimSnapshots } from './claim-snapshots';
import { ItemChangesService } from './item-changes.service';
import { ItemEvent } from './item-event.entity';
import { ReviewLineVacuum } from './review-line-vacuum';
import { ItemEventsService } from './item-events.service';
import {
  claimed,
  SLA_OPEN_STATUSES,
  type ItemFacts,
  type NewItemEvent,
  type StateChange,
  type Vote,
} from './item-state';
import { FINAL_STATUSES, Item } from './item.entity';

export type LastEvent = { seq: number; hash: string } | null;

/**
 * An item row read under its row lock, with the database's clock, its newest audit link and
 * whether any review of it is stored (reviewed_by was added without a backfill, so it cannot say).
 */
export type LockedItem = ItemFacts & { lastEvent: LastEvent; hadReviews: boolean };

export interface Applied {
  previous: Item;
  item: Item;
  transition: StateChange;
  /** Reviews stored before this change: without any, the item's reviews are the one just written. */
  hadReviews: boolean;
}

/** A new item and its first audit events (see item-state.ts `submitted`). */
export interface NewSubmission {
  item: Item;
  events: NewItemEvent[];
}

function lastEventOf(row: Record<string, unknown>): LastEvent {
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
async function retryOnChainRace<T>(work: (careful: boolean) => Promise<T>): Promise<T> {
  try {
    return await work(false);
  } catch (error) {
    if (!isUniqueViolation(error, 'item_events_item_seq_key')) throw error;
    return work(true);
  }
}

async function readLastEvent(manager: Sql, itemId: string): Promise<LastEvent> {
  const rows: Record<string, unknown>[] = await manager.query(
    'SELECT seq AS last_event_seq, hash AS last_event_hash FROM item_events WHERE item_id = $1 ORDER BY seq DESC LIMIT 1',
    [itemId],
  );
  return rows.length ? lastEventOf(rows[0]) : null;
}

/** The newest audit link of each item, joined onto rows of `items` aliased `alias`. */
const LAST_EVENT_JOIN = (alias: string) =>
  `LEFT JOIN LATERAL (SELECT seq, hash FROM item_events WHERE item_id = ${alias}.id ORDER BY seq DESC LIMIT 1) e ON true`;

const OPEN_STATUSES_SQL = SLA_OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The line: waiting items of the queue from `review_line` (migration 1796070000000 says why it
 * is a table of its own), in hand-out order, each re-checked on its `items` row.
 */
const CLAIM_LINE = `l.queue_id = $1 AND l.review_rank >= $2 AND i.review_state = 'waiting'
    AND ($4 OR i.released_by IS DISTINCT FROM $3)
    AND NOT ($3 = ANY (i.reviewed_by))
    -- Reserved for someone else: not theirs to take until the reservation lapses.
    AND (i.assigned_to IS NULL OR i.assigned_to = $3 OR i.assigned_until <= now())
    AND NOT (i.id = ANY ($7::uuid[]))`;

/**
 * A reviewer's own reservations come before anything else in their line (a lead assigned the
 * item to them on purpose), served from the small partial index items_assigned_idx.
 */
const CLAIM_ASSIGNED = `assigned_to = $3 AND queue_id = $1 AND review_state = 'waiting'
    AND review_rank >= $2 AND assigned_until > now()
    AND NOT ($3 = ANY (reviewed_by)) AND NOT (id = ANY ($7::uuid[]))`;

/**
 * Picks the next item for one reviewer and leases it, in one statement. Postgres is the
 * arbiter (BullMQ's head-only fetch cannot skip items a reviewer already reviewed, or keep
 * escalations for leads): the index of the review_line table yields candidates in
 * hand-out order, SKIP LOCKED lets concurrent claimers pass each other, and the re-check
 * under the row lock guarantees one holder. The SET clause is item-state's claim transition.
 * $4 = true also allows the item this reviewer last released (last attempt only); $7 lists the
 * items they skipped recently, passed over while anything else waits for them.
 * The claim statement looks at the reviewer's reservations first and, only when there is none (the
 * uncorrelated NOT EXISTS is a one-time filter: the line scan does not run at all then), at
 * the line, in the same statement: one round trip per claim instead of two.
 */
function claimSql(itemColumns: string, line: string, assigned?: string): string {
  const pick = (where: string) =>
    `SELECT id FROM items WHERE ${where} ORDER BY review_rank, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`;
  // FOR UPDATE OF i: the item row is what claimers lock and skip; its line row goes with the
  // claim (the items_review_line_updated trigger).
  const pickFromLine = (where: string) =>
    `SELECT i.id FROM review_line l JOIN items i ON i.id = l.item_id WHERE ${where}
     ORDER BY l.review_rank, l.queued_at, l.item_id LIMIT 1 FOR UPDATE OF i SKIP LOCKED`;
  const picked = assigned
    ? `assigned AS (${pick(`${assigned} AND $4::boolean IS NOT NULL`)}),
line AS (${pickFromLine(`NOT EXISTS (SELECT 1 FROM assigned) AND ${line}`)}),
picked AS (SELECT id, true AS was_assigned FROM assigned UNION ALL SELECT id, false FROM line LIMIT 1)`
    : `line AS (${pickFromLine(line)}),
picked AS (SELECT id, false AS was_assigned FROM line)`;
  return `
WITH ${picked}, claimed AS (
  UPDATE items i SET
    review_state = 'claimed', claimed_by = $3, claimed_at = now(), lease_token = $5,
    lease_expires_at = now() + make_interval(secs => $6), released_by = NULL, updated_at = now(),
    status = CASE WHEN i.status = 'pending' THEN 'in_review' ELSE i.status END,
    -- A claim settles any reservation: the assignee took it, or it had lapsed.
    assigned_to = NULL, assigned_to_name = NULL, assigned_until = NULL, assigned_by = NULL
  FROM picked WHERE i.id = picked.id
  RETURNING ${itemColumns}, picked.was_assigned
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
SELECT c.*, e.seq AS last_event_seq, e.hash AS last_event_hash,
  EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = c.id) AS had_reviews,
  pg_column_size(c.input) + pg_column_size(c.output) AS payload_bytes
FROM claimed c
${LAST_EVENT_JOIN('c')}`;
}

export interface ClaimRequest {
  queueId: string;
  minRank: number;
  userId: string;
  actor: string;
  token: string;
  leaseSeconds: number;
  /** Items the reviewer skipped lately, passed over while anything else waits for them. */
  skipped: string[];
}

/**
 * The item store: the only code that writes `items` and `item_events` (and the reviews a
 * decision stores with its change). Every status change comes from item-state.ts and goes
 * through `apply` (lock the row, plan, write row + review + audit events in one statement,
 * announce after the commit); the claim, the submission batch and the bookkeeping columns
 * (lease extension, comment count, SLA warning, audit seal) have their own one-statement
 * writers here. Postgres times (now()) are used throughout so instances agree on deadlines.
 */
@Injectable()
export class ItemStore {
  private columns?: [string, string][];
  private readonly metas = new Map<unknown, EntityMetadata>();
  private statements?: {
    claim: string;
    claimLine: string;
    lock: Map<string, string>;
    read: string;
  };

  /** The hot statements go straight to TypeORM's pool (common/direct-sql.ts says why). */
  private readonly direct: DirectSql;

  /** Items as this instance's claims committed them, for the holder's decision (claim-snapshots.ts). */
  private readonly claimed = new ClaimSnapshots();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly domainEvents: DomainEvents,
    private readonly itemChanges: ItemChangesService,
    private readonly itemEvents: ItemEventsService,
    private readonly lineVacuum: ReviewLineVacuum,
  ) {
    this.direct = new DirectSql(dataSource);
  }

  private meta(entity: typeof Item | typeof Review | typeof ItemEvent): EntityMetadata {
    let meta = this.metas.get(entity);
    if (!meta) this.metas.set(entity, (meta = this.dataSource.getMetadata(entity)));
    return meta;
  }

  /**
   * The hot statements, built once the entity metadata is known: item columns are listed by name
   * (never `i.*`) because they are named prepared statements, whose result columns must not
   * change when a migration adds a column (src/common/prepared-sql.ts).
   */
  private sql(): NonNullable<ItemStore['statements']> {
    if (this.statements) return this.statements;
    const columns = (alias: string) =>
      this.meta(Item)
        .columns.map((c) => `${alias}."${c.databaseName}"`)
        .join(', ');
    // The item, the database's clock, whether reviews are stored, and (unless careful) the
    // newest audit link; locked or (read, for applyOptimistic) not.
    const select = (careful: boolean, lockClause: string) =>
      prepared(
        `SELECT ${columns('i')}, now() AS db_now,
         EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id) AS had_reviews
         ${careful ? '' : ', e.seq AS last_event_seq, e.hash AS last_event_hash'}
       FROM items i
       ${careful ? '' : LAST_EVENT_JOIN('i')}
       WHERE i.id = $1 ${lockClause}`,
      );
    const lock = new Map<string, string>();
    for (const careful of [false, true])
      for (const skipLocked of [false, true])
        lock.set(
          `${careful}/${skipLocked}`,
          select(careful, `FOR UPDATE OF i${skipLocked ? ' SKIP LOCKED' : ''}`),
        );
    return (this.statements = {
      claim: prepared(claimSql(columns('i'), CLAIM_LINE, CLAIM_ASSIGNED)),
      // The line alone: the later attempts (skipped items again, then the one just released).
      claimLine: prepared(claimSql(columns('i'), CLAIM_LINE)),
      lock,
      read: select(false, ''),
    });
  }

  /** Maps a raw `items` row (snake_case, as pg returns it) onto an Item. */
  private toItem(row: Record<string, unknown>): Item {
    this.columns ??= this.meta(Item).columns.map(
      (c) => [c.databaseName, c.propertyName] as [string, string],
    );
    const item = new Item();
    for (const [db, prop] of this.columns)
      (item as unknown as Record<string, unknown>)[prop] = row[db];
    return item;
  }

  // ---- reads ---------------------------------------------------------------------------

  findById(id: string): Promise<Item | null> {
    return this.dataSource.getRepository(Item).findOne({ where: { id } });
  }

  /** Stored items by (queue, externalId), for idempotent replays of a submission. */
  findByExternalIds(keys: { queueId: string; externalId: string }[]): Promise<Item[]> {
    return this.dataSource
      .getRepository(Item)
      .createQueryBuilder('i')
      .where(
        `(i.queue_id, i.external_id) IN (SELECT * FROM unnest(:queueIds::uuid[], :externalIds::text[]))`,
        {
          queueIds: keys.map((k) => k.queueId),
          externalIds: keys.map((k) => k.externalId),
        },
      )
      .getMany();
  }

  /** Is there a row this person could claim that a SKIP LOCKED pick passed over? */
  async lockedCandidateExists(queueId: string, minRank: number, userId: string): Promise<boolean> {
    const rows: { found: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM review_line l JOIN items i ON i.id = l.item_id
         WHERE l.queue_id = $1 AND l.review_rank >= $2 AND i.review_state = 'waiting'
         AND NOT ($3 = ANY (i.reviewed_by))
         AND (i.assigned_to IS NULL OR i.assigned_to = $3 OR i.assigned_until <= now())) AS found`,
      [queueId, minRank, userId],
    );
    return rows[0]?.found === true;
  }

  /** Items whose lease has lapsed, oldest first (the sweep returns them to the line). */
  async lapsedLeaseIds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM items WHERE review_state = 'claimed' AND lease_expires_at <= now() ORDER BY lease_expires_at LIMIT ${Number(limit)}`,
    );
    return rows.map((r) => r.id);
  }

  /** Items whose SLA timeout is due and not dealt with, most overdue first. */
  async dueSlaIds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM items WHERE sla_due_at IS NOT NULL AND sla_fired_at IS NULL
         AND status IN (${OPEN_STATUSES_SQL}) AND sla_due_at <= now()
       ORDER BY sla_due_at LIMIT ${Number(limit)}`,
    );
    return rows.map((r) => r.id);
  }

  /** Votes of this round: reviews since the item (re)entered the line (a report starts a new round). */
  async roundVotes(manager: EntityManager, item: Item): Promise<Vote[]> {
    const rows: { action: Vote['action']; corrected_output: unknown }[] = await manager.query(
      `SELECT action, corrected_output, reviewer_id FROM reviews WHERE item_id = $1 AND decided_at >= $2 AND action <> 'escalate'`,
      [item.id, item.queuedAt],
    );
    return rows.map((r) => ({ action: r.action, correctedOutput: r.corrected_output }));
  }

  /**
   * Locks the item row and reads its newest audit link in the same statement. The link is read
   * from the statement's snapshot: if we had to wait for the lock, another transaction may have
   * appended meanwhile, and our insert then collides on (item_id, seq); `apply` retries that.
   */
  private async lock(
    manager: EntityManager,
    id: string,
    skipLocked = false,
    careful = false,
  ): Promise<LockedItem | null> {
    const rows: Record<string, unknown>[] = await manager.query(
      this.sql().lock.get(`${careful}/${skipLocked}`)!,
      [id],
    );
    if (rows.length === 0) return null;
    return this.lockedItem(
      rows[0],
      careful ? await readLastEvent(manager, id) : lastEventOf(rows[0]),
    );
  }

  private lockedItem(row: Record<string, unknown>, lastEvent: LastEvent): LockedItem {
    return Object.assign(this.toItem(row), {
      dbNow: row.db_now as Date,
      lastEvent,
      hadReviews: row.had_reviews === true,
    });
  }

  /** The item as it stands once no one else is changing it (to say why a write did nothing). */
  readLocked(id: string): Promise<LockedItem | null> {
    return this.dataSource.transaction((manager) => this.lock(manager, id));
  }

  // ---- state changes -------------------------------------------------------------------

  /**
   * Runs `plan` (an item-state transition) on the locked item and applies what it returns:
   * item row, review and audit events in one statement, then the after-commit announcement
   * unless the change is quiet. `null` from the plan means "nothing to do". With `skipLocked`,
   * an item someone else is changing right now is skipped (sweeps come back for it later).
   */
  async apply(
    id: string,
    plan: (
      item: LockedItem,
      manager: EntityManager,
    ) => Promise<StateChange | null> | StateChange | null,
    options: { skipLocked?: boolean; optimistic?: boolean } = {},
  ): Promise<Applied | null> {
    // Whatever changes the item here makes this instance's claim snapshot of it useless.
    if (!options.optimistic) this.claimed.forget(id);
    const optimistic = options.optimistic ? await this.applyOptimistic(id, plan) : 'locking';
    const applied =
      optimistic !== 'locking'
        ? optimistic
        : await retryOnChainRace((careful) =>
            this.dataSource.transaction(async (manager) => {
              const locked = await this.lock(manager, id, options.skipLocked, careful);
              if (!locked) return null;
              const transition = await plan(locked, manager);
              if (!transition) return null;
              return this.write(manager, locked, transition);
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
   * `apply` without a held transaction, for the hot path (a reviewer's decision): read the item
   * and its newest audit link (one statement), plan, then write row + review + audit events in
   * one autocommitted statement. Two round trips instead of four (BEGIN, lock, write, COMMIT).
   * The audit chain is the arbiter: every status change appends an event, and (item_id, seq) is
   * unique, so if anything changed the item since the read, the write collides on the seq it
   * claims and nothing of it is stored; the change is then planned again under the row lock
   * ('locking'), which sees the newer state. A refusal planned from the read is as of that
   * read, which is when it answers. Plans with no audit event have no such arbiter and go
   * through the lock too.
   */
  private async applyOptimistic(
    id: string,
    plan: (
      item: LockedItem,
      manager: EntityManager,
    ) => Promise<StateChange | null> | StateChange | null,
  ): Promise<Applied | null | 'locking'> {
    // Planned from this instance's own claim of the item when it has one (no read): anything
    // but a plan with audit events is planned again from a fresh read (claim-snapshots.ts).
    const held = this.claimed.take(id);
    let planned = held ? await this.planFrom(held, plan) : null;
    if (!planned) {
      const rows: Record<string, unknown>[] = await this.direct.query(this.sql().read, [id]);
      if (rows.length === 0) return null;
      const read = this.lockedItem(rows[0], lastEventOf(rows[0]));
      const transition = await plan(read, this.dataSource.manager);
      if (!transition) return null;
      if (transition.events.length === 0) return 'locking';
      planned = { read, transition };
    }
    const { read, transition } = planned;
    try {
      return await this.write(this.direct, read, transition);
    } catch (error) {
      // Someone appended to the chain since the read (or, should it ever happen, a deadlock
      // with them): plan again under the row lock. Nothing of this attempt was stored.
      if (isUniqueViolation(error, 'item_events_item_seq_key') || pgCode(error) === '40P01')
        return 'locking';
      throw error;
    }
  }

  /** A plan from a claim snapshot, if it plans a change with audit events; null otherwise. */
  private async planFrom(
    held: LockedItem,
    plan: (
      item: LockedItem,
      manager: EntityManager,
    ) => Promise<StateChange | null> | StateChange | null,
  ): Promise<{ read: LockedItem; transition: StateChange } | null> {
    try {
      const transition = await plan(held, this.dataSource.manager);
      return transition && transition.events.length > 0 ? { read: held, transition } : null;
    } catch {
      // A refusal (or a 400/403) as of the snapshot: the fresh read gives the answer that counts.
      return null;
    }
  }

  /** Writes a planned transition: item row, review and audit events in one statement. */
  private async write(manager: Sql, locked: LockedItem, transition: StateChange): Promise<Applied> {
    const { dbNow, lastEvent, hadReviews, ...previous } = locked;
    const id = locked.id;
    // An id of our own, so the caller can show the review without reading it back.
    if (transition.review) transition.review.id ??= randomUUID();
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
    const statements = [updateSql(this.meta(Item), changes, { column: 'id', value: id }, params)];
    if (transition.review)
      statements.push(insertSql(this.meta(Review), [transition.review], params));
    if (events.length > 0) statements.push(insertSql(this.meta(ItemEvent), events, params));
    // The row first, then the inserts: the main query pulls each part in this order (parts no
    // one reads would run in an unspecified order). Without a held lock (applyOptimistic), an
    // audit event inserted before the row update could deadlock with a writer that locked the
    // row and is appending the same seq. Prepared: a decision's shape repeats.
    await manager.query(
      prepared(
        combinedSql(
          'item change',
          statements,
          (parts) => `WITH ${parts.map((sql, n) => `w${n} AS (${sql} RETURNING 1)`).join(', ')}
         SELECT ${parts.map((_, n) => `(SELECT count(*) FROM w${n}) AS w${n}`).join(', ')}`,
        ),
      ),
      params.values,
    );
    const item = Object.assign(new Item(), previous, changes);
    return { previous: Object.assign(new Item(), previous), item, transition, hadReviews };
  }

  /**
   * Claims the next item for one reviewer (claim transition in claimSql, 'claimed' audit event
   * in the same transaction). Their reservations first, then the line as everyone sees it. Skip
   * rotates: items skipped lately wait until everything else has been seen; then the oldest
   * comes back first, and what they just released only when nothing else waits for them.
   * The caller announces (with `previous`) after scheduling the lease timer.
   */
  async claimNext(
    request: ClaimRequest,
  ): Promise<{ item: Item; fromSkipped: boolean; previous: PreviousItemState } | null> {
    const outcome = await retryOnChainRace((careful) =>
      this.direct.transaction(async (manager, begun) => {
        const { claim, claimLine } = this.sql();
        const attempt = async (allowReleased: boolean, exclude: string[], sql = claim) =>
          (await manager.query(sql, [
            request.queueId,
            request.minRank,
            request.userId,
            allowReleased,
            request.token,
            request.leaseSeconds,
            exclude,
          ])) as Record<string, unknown>[];
        // Their reservations, else the line without what they skipped lately (one statement).
        let rows = await attempt(false, request.skipped);
        let fromSkipped = false;
        if (rows.length === 0 && request.skipped.length > 0) {
          rows = await attempt(false, [], claimLine);
          fromSkipped = true;
        }
        if (rows.length === 0) rows = await attempt(true, [], claimLine);
        if (rows.length === 0) return null;
        const wasAssigned = rows[0].was_assigned === true;
        const item = this.toItem(rows[0]);
        const last = careful ? await readLastEvent(manager, item.id) : lastEventOf(rows[0]);
        const { events, previous } = claimed(item, request.actor, wasAssigned);
        const newest = await this.appendAfter(manager, item, last, events);
        return {
          item,
          fromSkipped,
          previous,
          newest,
          hadReviews: rows[0].had_reviews === true,
          payloadBytes: Number(rows[0].payload_bytes ?? 0),
          begun,
        };
      }),
    );
    if (!outcome) return null;
    this.lineVacuum.claimed();
    // Committed: the holder's decision can start from this (claim-snapshots.ts).
    const { item, fromSkipped, previous, newest, hadReviews, payloadBytes, begun } = outcome;
    // claimed_at is the transaction's now(): with `begun`, the database's clock from here on.
    this.claimed.remember(item, newest, hadReviews, item.claimedAt!, begun, payloadBytes);
    return { item, fromSkipped, previous };
  }

  /**
   * Appends audit events after `last` inside the caller's transaction (row already locked by
   * the caller's statement), moving the chain head in the same statement.
   */
  private async appendAfter(
    manager: Sql,
    item: Item,
    last: LastEvent,
    events: NewItemEvent[],
  ): Promise<LastEvent> {
    if (events.length === 0) return last;
    const rows = this.itemEvents.chain(item.id, last, events);
    const newest = rows[rows.length - 1];
    const head = this.itemEvents.auditColumns(item, last, { seq: newest.seq, hash: newest.hash });
    // The item as stored after this statement (its new chain head).
    Object.assign(item, head);
    const params = new SqlParams();
    const statements = [
      insertSql(this.meta(ItemEvent), rows, params),
      updateSql(this.meta(Item), head, { column: 'id', value: item.id }, params),
    ];
    // Nothing reads its result: it goes out in the same write as the COMMIT (prepared-sql.ts).
    await manager.query(
      sentWithCommit(
        prepared(
          combinedSql(
            'audit append',
            statements,
            (parts) => `WITH ${parts.map((sql, n) => `w${n} AS (${sql})`).join(', ')} SELECT 1`,
          ),
        ),
      ),
      params.values,
    );
    return { seq: newest.seq, hash: newest.hash };
  }

  /**
   * After-commit effects: the domain event (live updates, webhooks, SLA timers and
   * notifications listen) and the long-poll wake-up. None may fail the caller: the change is
   * already durable, and the sweepers and long-poll re-checks repair anything Redis missed.
   */
  async announce(
    previous: PreviousItemState,
    item: Item,
    change: StateChange['change'],
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
      // Long-polls wait for a final status only (ItemsService.get): waking them on any other
      // change (a claim, a release, an escalation) would only make each re-read the item and
      // wait again, at the price of a Redis publish handled on every instance.
      FINAL_STATUSES.includes(item.status)
        ? this.itemChanges.announce([item.id]).catch(() => undefined)
        : undefined,
    ]);
  }

  // ---- submissions ---------------------------------------------------------------------

  /**
   * One statement, so one round trip and one commit: insert the items (skipping idempotency
   * conflicts) and the first audit events of exactly the rows that were inserted. Columns come
   * from the entity metadata, one array parameter each. Returns the ids actually inserted.
   */
  async insertSubmissions(submissions: NewSubmission[]): Promise<Set<string>> {
    // The first events and, from the newest of them and the item's verdict, its chain head.
    const events = submissions.flatMap((s) => {
      const chain = this.itemEvents.chain(s.item.id, null, s.events);
      const newest = chain.length ? chain[chain.length - 1] : null;
      s.item.auditHead = this.itemEvents.auditColumns(s.item, null, newest).auditHead;
      return chain;
    });
    const params = new SqlParams();
    const items = recordSetSql(
      this.meta(Item),
      submissions.map((s) => s.item),
      params,
    );
    const rows = recordSetSql(this.meta(ItemEvent), events, params);
    const inserted: { id: string }[] = await this.direct.query(
      prepared(`WITH inserted AS (
        INSERT INTO items (${items.columns})
        SELECT * FROM ${items.from}
        ON CONFLICT (queue_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
        RETURNING id
      ), events AS (
        INSERT INTO item_events (${rows.columns})
        SELECT * FROM ${rows.from}
        WHERE t.item_id IN (SELECT id FROM inserted)
      )
      SELECT id FROM inserted`),
      params.values,
    );
    return new Set(inserted.map((r) => r.id));
  }

  // ---- bookkeeping columns -------------------------------------------------------------

  /** Pushes the holder's live lease to now + leaseSeconds; null when they hold none. */
  async extendLease(
    id: string,
    userId: string,
    leaseSeconds: number,
  ): Promise<{ leaseExpiresAt: Date; leaseToken: string } | null> {
    this.claimed.forget(id);
    const rows: { lease_expires_at: Date; lease_token: string }[] = await this.direct.query(
      // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE yields [rows, count]).
      prepared(`WITH extended AS (
         UPDATE items SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 AND review_state = 'claimed' AND claimed_by = $2 AND lease_expires_at > now()
         RETURNING lease_expires_at, lease_token)
       SELECT * FROM extended`),
      [id, userId, leaseSeconds],
    );
    return rows.length
      ? { leaseExpiresAt: rows[0].lease_expires_at, leaseToken: rows[0].lease_token }
      : null;
  }

  /**
   * Counts a new comment on the item inside the caller's transaction. Counting takes the item's
   * row lock, which orders the comment's audit append with every other change to the item.
   */
  async countComment(manager: EntityManager, itemId: string): Promise<void> {
    await manager.query('UPDATE items SET comment_count = comment_count + 1 WHERE id = $1', [
      itemId,
    ]);
  }

  /**
   * Appends audit events and moves the chain head inside the caller's transaction, locking the
   * item row (for events that are not state changes: comments, webhook deliveries).
   */
  async append(manager: EntityManager, itemId: string, events: NewItemEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.claimed.forget(itemId);
    const item = await manager.findOne(Item, {
      where: { id: itemId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!item) return;
    const last = await manager.findOne(ItemEvent, { where: { itemId }, order: { seq: 'DESC' } });
    const previous = last ? { seq: last.seq, hash: last.hash } : null;
    const rows = this.itemEvents.chain(itemId, previous, events);
    await manager.save(rows.map((r) => manager.create(ItemEvent, r)));
    const newest = rows[rows.length - 1];
    await manager.update(
      Item,
      { id: itemId },
      this.itemEvents.auditColumns(item, previous, { seq: newest.seq, hash: newest.hash }),
    );
  }

  /**
   * Marks items whose SLA is half gone as warned, inside the caller's transaction (which records
   * their sla_at_risk notifications), so a warning is neither lost nor sent twice.
   */
  markSlaWarned(
    manager: EntityManager,
    limit: number,
    itemId?: string,
  ): Promise<{ id: string; queue_slug: string }[]> {
    return manager.query(
      `WITH due AS (
         SELECT id FROM items
         WHERE sla_warn_at IS NOT NULL AND sla_warned_at IS NULL
           AND status IN (${OPEN_STATUSES_SQL}) AND sla_warn_at <= now()
           AND sla_fired_at IS NULL ${itemId ? 'AND id = $1' : ''}
         ORDER BY sla_warn_at LIMIT ${Number(limit)}
         FOR UPDATE SKIP LOCKED),
       warned AS (
         UPDATE items i SET sla_warned_at = now() FROM due WHERE i.id = due.id
         RETURNING i.id, i.queue_slug)
       SELECT * FROM warned`,
      itemId ? [itemId] : [],
    );
  }

  /**
   * Gives up to `limit` items from before audit keying (no chain head) a keyed head over their
   * chain as it stands; returns how many it sealed (0: none left).
   */
  sealLegacyHeads(limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: {
        id: string;
        status: string;
        usable: boolean;
        final_output: unknown;
        seq: number | null;
        hash: string | null;
      }[] = await manager.query(
        `SELECT i.id, i.status, i.usable, i.final_output, e.seq, e.hash
         FROM (SELECT * FROM items WHERE audit_head IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED) i
         ${LAST_EVENT_JOIN('i')}`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const heads = rows.map((r) => {
        const last = r.hash ? { seq: Number(r.seq), hash: r.hash } : null;
        return this.itemEvents.auditColumns(
          { id: r.id, status: r.status, usable: r.usable, finalOutput: r.final_output },
          last,
          last,
        );
      });
      await manager.query(
        `UPDATE items SET audit_head = t.head, audit_legacy_seq = t.legacy
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS t(id, head, legacy)
         WHERE items.id = t.id`,
        [rows.map((r) => r.id), heads.map((h) => h.auditHead), heads.map((h) => h.auditLegacySeq)],
      );
      return rows.length;
    });
  }
}
