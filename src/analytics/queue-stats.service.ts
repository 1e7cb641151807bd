import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assert, canSeeQueue, requireUser } from '../auth/access';
import type { Principal } from '../common/principal';
import { QueuesService } from '../queues/queues.service';

export interface QueueStats {
  pending: number;
  inReview: number;
  escalated: number;
  oldestPendingSeconds: number;
  decidedLast24h: number;
  autoApproveRate: number;
  medianReviewSeconds: number | null;
  slaBreaches: number;
}

/** Results are shared for this long, so dashboards polling and socket updates cost one query per queue. */
const FRESH_MS = 1_000;

const OPEN = `status NOT IN ('approved', 'rejected', 'corrected')`;

/**
 * One statement, each part on an index: the review line (items_review_line_idx), the few claimed
 * items (items_review_claimed_idx), decisions (items_queue_decided_idx), submissions
 * (items_queue_created_idx) and the last day's reviews (reviews_decided_idx).
 */
const STATS_SQL = `
SELECT w.pending, w.escalated_waiting, w.oldest_seconds, w.overdue AS overdue_waiting,
       c.in_review, c.escalated_claimed, c.overdue AS overdue_claimed,
       d.decided, d.timed_out, a.created, a.approved, r.median
FROM
 (SELECT count(*) FILTER (WHERE review_rank <> 0) AS pending,
         count(*) FILTER (WHERE review_rank = 0) AS escalated_waiting,
         COALESCE(EXTRACT(EPOCH FROM now() - min(queued_at)), 0) AS oldest_seconds,
         count(*) FILTER (WHERE sla_due_at < now() AND ${OPEN}) AS overdue
    FROM items WHERE queue_id = $1 AND review_state = 'waiting') w,
 (SELECT count(*) AS in_review,
         count(*) FILTER (WHERE status = 'escalated') AS escalated_claimed,
         count(*) FILTER (WHERE sla_due_at < now() AND ${OPEN}) AS overdue
    FROM items WHERE queue_id = $1 AND review_state = 'claimed') c,
 (SELECT count(*) AS decided, count(*) FILTER (WHERE decided_by = 'timeout') AS timed_out
    FROM items WHERE queue_id = $1 AND decided_at IS NOT NULL AND decided_at > now() - interval '24 hours') d,
 (SELECT count(*) AS created, count(*) FILTER (WHERE routing = 'approve') AS approved
    FROM items WHERE queue_id = $1 AND created_at > now() - interval '24 hours') a,
 (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY review_seconds) AS median
    FROM reviews WHERE decided_at > now() - interval '24 hours' AND queue_id = $1) r`;

interface StatsRow {
  pending: string;
  escalated_waiting: string;
  oldest_seconds: string | number;
  overdue_waiting: string;
  in_review: string;
  escalated_claimed: string;
  overdue_claimed: string;
  decided: string;
  timed_out: string;
  created: string;
  approved: string;
  median: number | null;
}

/** Queue health from Postgres, the source of truth; feeds GET /v1/queues/:slug/stats and the live 'queue.stats' event. */
@Injectable()
export class QueueStatsService {
  private readonly recent = new Map<string, { at: number; stats: Promise<QueueStats> }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueuesService,
  ) {}

  async forPrincipal(principal: Principal, slug: string): Promise<QueueStats> {
    requireUser(principal);
    const queue = await this.queues.findBySlug(slug);
    assert(canSeeQueue(principal, slug), 'not allowed to see this queue');
    return this.compute(queue.id);
  }

  async forSlug(slug: string): Promise<QueueStats> {
    const queue = await this.queues.findBySlug(slug);
    return this.compute(queue.id);
  }

  /** `maxAgeMs` 0 forces a fresh read (used right after a change, so live counts never lag it). */
  compute(queueId: string, maxAgeMs = FRESH_MS): Promise<QueueStats> {
    const cached = this.recent.get(queueId);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.stats;
    const stats = this.query(queueId);
    this.recent.set(queueId, { at: Date.now(), stats });
    stats.catch(() => this.recent.delete(queueId));
    if (this.recent.size > 1000) this.recent.clear();
    return stats;
  }

  private async query(queueId: string): Promise<QueueStats> {
    const [row] = (await this.dataSource.query(STATS_SQL, [queueId])) as StatsRow[];
    const created = Number(row.created);
    return {
      pending: Number(row.pending),
      inReview: Number(row.in_review),
      escalated: Number(row.escalated_waiting) + Number(row.escalated_claimed),
      oldestPendingSeconds: Math.max(0, Math.floor(Number(row.oldest_seconds))),
      decidedLast24h: Number(row.decided),
      autoApproveRate: created === 0 ? 0 : Number(row.approved) / created,
      medianReviewSeconds: row.median === null ? null : Number(row.median),
      slaBreaches:
        Number(row.overdue_waiting) + Number(row.overdue_claimed) + Number(row.timed_out),
    };
  }
}
