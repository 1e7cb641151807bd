import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assert, canSeeQueue, requireUser } from '../auth/access';
import type { Principal } from '../common/principal';
import { QueuesService } from '../queues/queues.service';

export interface QueueStats extends LiveQueueStats {
  decidedLast24h: number;
  autoApproveRate: number;
  medianReviewSeconds: number | null;
  slaBreaches: number;
}

/** The part sent live after every change: only the review line, so it stays cheap under load. */
export interface LiveQueueStats {
  pending: number;
  /** The same waiting items by how they were routed (sampled and reported ones count as approve). */
  pendingByRouting: { block: number; flag: number; approve: number };
  inReview: number;
  escalated: number;
  oldestPendingSeconds: number;
}

/** Live 'queue.stats' counts are shared for this long, so socket updates cost one query per queue. */
const FRESH_MS = 1_000;

const OPEN = `status NOT IN ('approved', 'rejected', 'corrected')`;

/** Waiting items come from the review_line table, held ones from the small items_lease_expiry_idx. */
const LINE_SQL = `
SELECT w.pending, w.pending_block, w.pending_flag, w.pending_approve, w.escalated_waiting, w.oldest_seconds,
       c.in_review, c.escalated_claimed
FROM
 (SELECT count(*) FILTER (WHERE review_rank <> 0) AS pending,
         count(*) FILTER (WHERE review_rank <> 0 AND routing = 'block') AS pending_block,
         count(*) FILTER (WHERE review_rank <> 0 AND routing = 'flag') AS pending_flag,
         count(*) FILTER (WHERE review_rank <> 0 AND routing = 'approve') AS pending_approve,
         count(*) FILTER (WHERE review_rank = 0) AS escalated_waiting,
         COALESCE(EXTRACT(EPOCH FROM now() - min(queued_at)), 0) AS oldest_seconds
    FROM review_line WHERE queue_id = $1) w,
 (SELECT count(*) AS in_review, count(*) FILTER (WHERE status = 'escalated') AS escalated_claimed
    FROM items WHERE queue_id = $1 AND review_state = 'claimed') c`;

/**
 * The last day: decisions (items_queue_decided_idx), submissions (items_queue_created_idx),
 * reviews (reviews_decided_idx) and overdue items still in the review line.
 */
const DAY_SQL = `
SELECT o.overdue, d.decided, d.timed_out, a.created, a.approved, r.median
FROM
 (SELECT (SELECT count(*) FROM items
           WHERE queue_id = $1 AND review_state = 'waiting' AND sla_due_at < now() AND ${OPEN})
       + (SELECT count(*) FROM items
           WHERE queue_id = $1 AND review_state = 'claimed' AND sla_due_at < now() AND ${OPEN}) AS overdue) o,
 (SELECT count(*) AS decided, count(*) FILTER (WHERE decided_by = 'timeout') AS timed_out
    FROM items WHERE queue_id = $1 AND decided_at IS NOT NULL AND decided_at > now() - interval '24 hours') d,
 (SELECT count(*) AS created, count(*) FILTER (WHERE routing = 'approve') AS approved
    FROM items WHERE queue_id = $1 AND created_at > now() - interval '24 hours') a,
 (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY review_seconds) AS median
    FROM reviews WHERE decided_at > now() - interval '24 hours' AND queue_id = $1) r`;

/**
 * Both parts in one statement, so one answer is one snapshot: a decision is either in every
 * count of it (pending, inReview, decidedLast24h…) or in none.
 */
const SNAPSHOT_SQL = `SELECT line.*, day.* FROM (${LINE_SQL}) line, (${DAY_SQL}) day`;

interface LineRow {
  pending: string;
  pending_block: string;
  pending_flag: string;
  pending_approve: string;
  escalated_waiting: string;
  oldest_seconds: string | number;
  in_review: string;
  escalated_claimed: string;
}

interface DayRow {
  overdue: string;
  decided: string;
  timed_out: string;
  created: string;
  approved: string;
  median: number | null;
}

/**
 * Shares one load among callers without ever answering from before a caller arrived: a caller
 * joins a load that has not started yet, else queues one to start when the running one ends.
 * So a read right after the caller's own write always sees it, and a burst of polling dashboards
 * costs at most two queries in flight per queue.
 */
class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly waiting = new Map<string, Promise<T>>();
  get(key: string, load: () => Promise<T>): Promise<T> {
    const queued = this.waiting.get(key);
    if (queued) return queued;
    const before = this.running.get(key);
    const start = (): Promise<T> => {
      this.waiting.delete(key);
      const value = load();
      this.running.set(key, value);
      const done = () => {
        if (this.running.get(key) === value) this.running.delete(key);
      };
      value.then(done, done);
      return value;
    };
    if (!before) return start();
    const next = before.then(start, start);
    this.waiting.set(key, next);
    return next;
  }
}

class Memo<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  get(key: string, maxAgeMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 1000) this.entries.clear();
    return value;
  }
}

/** Queue health from Postgres, the source of truth; feeds GET /v1/queues/:slug/stats and the live 'queue.stats' event. */
@Injectable()
export class QueueStatsService {
  private readonly line = new Memo<LiveQueueStats>();
  private readonly snapshots = new SingleFlight<LineRow & DayRow>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
  ) {}

  async forPrincipal(principal: Principal, slug: string): Promise<QueueStats> {
    requireUser(principal);
    assert(canSeeQueue(principal, slug), 'not allowed to see this queue');
    const queue = await this.queues.findBySlug(slug);
    return this.compute(queue.id);
  }

  /** Never cached: a read after the caller's own change reflects it (see SingleFlight). */
  async compute(queueId: string): Promise<QueueStats> {
    const row = await this.snapshots.get(
      queueId,
      async () =>
        ((await this.dataSource.query(SNAPSHOT_SQL, [queueId])) as (LineRow & DayRow)[])[0],
    );
    const created = Number(row.created);
    return {
      ...toLiveStats(row),
      decidedLast24h: Number(row.decided),
      autoApproveRate: created === 0 ? 0 : Number(row.approved) / created,
      medianReviewSeconds: row.median === null ? null : Number(row.median),
      slaBreaches: Number(row.overdue) + Number(row.timed_out),
    };
  }

  /** `maxAgeMs` 0 forces a fresh read (used right after a change, so live counts never lag it). */
  lineStats(queueId: string, maxAgeMs = FRESH_MS): Promise<LiveQueueStats> {
    return this.line.get(queueId, maxAgeMs, async () => {
      const [row] = (await this.dataSource.query(LINE_SQL, [queueId])) as LineRow[];
      return toLiveStats(row);
    });
  }
}

function toLiveStats(row: LineRow): LiveQueueStats {
  return {
    pending: Number(row.pending),
    pendingByRouting: {
      block: Number(row.pending_block),
      flag: Number(row.pending_flag),
      approve: Number(row.pending_approve),
    },
    inReview: Number(row.in_review),
    escalated: Number(row.escalated_waiting) + Number(row.escalated_claimed),
    oldestPendingSeconds: Math.max(0, Math.floor(Number(row.oldest_seconds))),
  };
}
