import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../common/principal';
import { AnalyticsScope, sinceDate } from './analytics-scope';
import type { ReviewersQuery } from './analytics.dto';
import { SqlParams } from '../common/sql';

/**
 * Reviewer quality for leads. Throughput is per active hour/day (hours and days in which the
 * reviewer decided anything), so idle time does not count against anyone. Agreement compares
 * each reviewer with every other reviewer of the same item, on items with verdicts from two or
 * more people (escalations are not verdicts): two verdicts agree when the action matches and,
 * for corrections, the corrected output too. Each queue also gets agreement per rubric question:
 * pairs of different people who both answered it on the same item, agreeing when the answers are
 * equal (multi answers are stored in option order, so equal choices compare equal).
 */
@Injectable()
export class ReviewerQualityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: AnalyticsScope,
  ) {}

  /** The current rubric of each queue, for naming the per-question agreement. */
  private async questionsByQueue(slugs: string[]) {
    if (slugs.length === 0) return new Map<string, QuestionRow['questions']>();
    const rows: QuestionRow[] = await this.dataSource.query(
      `SELECT slug, questions FROM queues WHERE slug = ANY($1)`,
      [slugs],
    );
    return new Map(rows.map((r) => [r.slug, r.questions ?? []]));
  }

  async reviewers(principal: Principal, query: ReviewersQuery) {
    this.scope.authorize(principal, ['admin', 'lead']);
    const queue = await this.scope.queue(query.queue);
    const since = sinceDate(query.since, undefined);
    const p = new SqlParams();
    if (queue) p.and(`r.queue_id = ${p.add(queue.id)}`);
    if (since) p.and(`r.decided_at >= ${p.add(since)}`);
    const scoped = `SELECT r.* FROM reviews r ${p.whereSql()}`;

    const [perReviewer, agreement, perQueue, queueAgreement, questionAgreement] = await Promise.all(
      [
        this.dataSource.query(
          `SELECT r.reviewer_id AS id, u.name, u.email, count(*) AS reviews,
           count(*) FILTER (WHERE r.decided_at >= now() - interval '24 hours') AS last24h,
           count(DISTINCT date_trunc('hour', r.decided_at)) AS active_hours,
           count(DISTINCT date_trunc('day', r.decided_at)) AS active_days,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.review_seconds) AS median_seconds,
           count(*) FILTER (WHERE r.action = 'approve') AS approve, count(*) FILTER (WHERE r.action = 'reject') AS reject,
           count(*) FILTER (WHERE r.action = 'correct') AS correct, count(*) FILTER (WHERE r.action = 'escalate') AS escalate
         FROM (${scoped}) r LEFT JOIN users u ON u.id = r.reviewer_id
         GROUP BY r.reviewer_id, u.name, u.email ORDER BY count(*) DESC`,
          p.values,
        ) as Promise<Record<string, string>[]>,
        this.dataSource.query(
          `${PAIRS(scoped)} SELECT reviewer_id AS id, count(*) AS pairs, count(*) FILTER (WHERE agree) AS agreed,
           count(DISTINCT item_id) AS items FROM pairs GROUP BY reviewer_id`,
          p.values,
        ) as Promise<Record<string, string>[]>,
        this.dataSource.query(
          `SELECT q.slug AS queue, count(*) AS reviews, count(DISTINCT r.reviewer_id) AS reviewers,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.review_seconds) AS median_seconds
         FROM (${scoped}) r JOIN queues q ON q.id = r.queue_id GROUP BY q.slug ORDER BY q.slug`,
          p.values,
        ) as Promise<Record<string, string>[]>,
        this.dataSource.query(
          `${PAIRS(scoped)}, per_item AS (SELECT queue_id, item_id, bool_and(agree) AS unanimous, count(*) AS pairs,
             count(*) FILTER (WHERE agree) AS agreed FROM pairs GROUP BY queue_id, item_id)
         SELECT q.slug AS queue, count(*) AS items, count(*) FILTER (WHERE unanimous) AS unanimous,
           sum(pairs) AS pairs, sum(agreed) AS agreed
         FROM per_item JOIN queues q ON q.id = per_item.queue_id GROUP BY q.slug`,
          p.values,
        ) as Promise<Record<string, string>[]>,
        // Per question: pairs of different people who both answered it on the same item.
        this.dataSource.query(
          `WITH a AS (SELECT r.queue_id, r.item_id, r.reviewer_id, kv.key, kv.value
             FROM (${scoped}) r CROSS JOIN LATERAL jsonb_each(r.answers) kv
             WHERE r.action <> 'escalate' AND r.answers IS NOT NULL)
         SELECT q.slug AS queue, x.key, count(DISTINCT x.item_id) AS items, count(*) AS pairs,
           count(*) FILTER (WHERE x.value = y.value) AS agreed
         FROM a x JOIN a y ON y.item_id = x.item_id AND y.key = x.key AND y.reviewer_id <> x.reviewer_id
           JOIN queues q ON q.id = x.queue_id
         GROUP BY q.slug, x.key`,
          p.values,
        ) as Promise<Record<string, string>[]>,
      ],
    );
    const questionsOf = await this.questionsByQueue(perQueue.map((q) => q.queue));

    const agreeBy = new Map(agreement.map((a) => [a.id, a]));
    const queueAgree = new Map(queueAgreement.map((a) => [a.queue, a]));
    const num = (v: string | null | undefined) =>
      v === null || v === undefined ? null : Number(v);
    return {
      queue: queue?.slug ?? null,
      since: since ?? null,
      reviewers: perReviewer.map((r) => {
        const a = agreeBy.get(r.id);
        const reviews = Number(r.reviews);
        return {
          id: r.id,
          name: r.name ?? null,
          email: r.email ?? null,
          reviews,
          actions: {
            approve: Number(r.approve),
            reject: Number(r.reject),
            correct: Number(r.correct),
            escalate: Number(r.escalate),
          },
          reviewsLast24h: Number(r.last24h),
          throughputPerHour: reviews / Math.max(1, Number(r.active_hours)),
          throughputPerDay: reviews / Math.max(1, Number(r.active_days)),
          medianReviewSeconds: num(r.median_seconds),
          multiReviewItems: a ? Number(a.items) : 0,
          comparisons: a ? Number(a.pairs) : 0,
          agreementRate: a && Number(a.pairs) > 0 ? Number(a.agreed) / Number(a.pairs) : null,
        };
      }),
      queues: perQueue.map((q) => {
        const a = queueAgree.get(q.queue);
        // Each unordered pair appears twice in `pairs` (once from each side).
        const pairs = a ? Number(a.pairs) / 2 : 0;
        return {
          queue: q.queue,
          reviews: Number(q.reviews),
          reviewers: Number(q.reviewers),
          medianReviewSeconds: num(q.median_seconds),
          multiReviewItems: a ? Number(a.items) : 0,
          pairs,
          agreementRate: a && pairs > 0 ? Number(a.agreed) / 2 / pairs : null,
          unanimousRate: a && Number(a.items) > 0 ? Number(a.unanimous) / Number(a.items) : null,
          questions: (questionsOf.get(q.queue) ?? []).map((question) => {
            const qa = questionAgreement.find((x) => x.queue === q.queue && x.key === question.key);
            const qPairs = qa ? Number(qa.pairs) / 2 : 0;
            return {
              key: question.key,
              label: question.label,
              type: question.type,
              multiReviewItems: qa ? Number(qa.items) : 0,
              pairs: qPairs,
              // Exact agreement; for free text it says little, but it is still what people wrote.
              agreementRate: qa && qPairs > 0 ? Number(qa.agreed) / 2 / qPairs : null,
            };
          }),
        };
      }),
    };
  }
}

type QuestionRow = { slug: string; questions: { key: string; label: string; type: string }[] };

/** Ordered pairs of verdicts by different people on the same item. */
function PAIRS(scoped: string): string {
  return `WITH v AS (SELECT item_id, queue_id, reviewer_id, action, corrected_output FROM (${scoped}) r WHERE action <> 'escalate'),
    pairs AS (
      SELECT a.queue_id, a.item_id, a.reviewer_id,
        (a.action = b.action AND (a.action <> 'correct' OR a.corrected_output = b.corrected_output)) AS agree
      FROM v a JOIN v b ON b.item_id = a.item_id AND b.reviewer_id <> a.reviewer_id)`;
}
