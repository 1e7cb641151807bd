/**
 * Test and bench data made with SQL, for datasets too large or too specially shaped to make
 * through the API (hundreds of decided items at chosen confidences). Rows look exactly like
 * the ones the service writes: an item decided by a reviewer has status, decided_by,
 * final_output and decided_at set and one review row.
 */
import type { Client } from 'pg';

export interface SeedGroup {
  /** Confidence of every item in the group. */
  confidence: number;
  count: number;
  /** How many of them people rejected (the rest they approved). */
  rejected?: number;
  /** How many of them people corrected (after the rejected ones). */
  corrected?: number;
  /** Items that stay undecided (pending, no review). */
  undecided?: boolean;
  modelName?: string;
  modelVersion?: string;
}

type Query = (text: string, params?: unknown[]) => Promise<unknown>;

/** Inserts the groups into a queue (by slug) with one reviewer; returns how many items were written. */
export async function seedDecisions(
  query: Query,
  queueSlug: string,
  reviewerId: string,
  groups: SeedGroup[],
): Promise<number> {
  let total = 0;
  for (const g of groups) {
    const rejected = g.rejected ?? 0;
    const corrected = g.corrected ?? 0;
    await query(
      `WITH q AS (SELECT id, slug FROM queues WHERE slug = $1),
       ins AS (
         INSERT INTO items (id, queue_id, queue_slug, body_hash, model_name, model_version, input, output, confidence, metadata,
           routing, reasons, policy_version, status, usable, decided_by, final_output, created_at, decided_at, review_state, updated_at)
         SELECT gen_random_uuid(), q.id, q.slug, md5(n::text), $2, $3, jsonb_build_object('messages', jsonb_build_array(
             jsonb_build_object('role', 'user', 'content', 'question ' || n))),
           jsonb_build_object('reply', 'answer ' || n), $4, '{}', 'flag', '[]', 1,
           CASE WHEN $8 THEN 'pending' WHEN n <= $5 THEN 'rejected' WHEN n <= $5 + $6 THEN 'corrected' ELSE 'approved' END,
           NOT $8 AND n > $5,
           CASE WHEN $8 THEN NULL ELSE 'reviewer' END,
           CASE WHEN $8 OR n <= $5 THEN NULL WHEN n <= $5 + $6 THEN jsonb_build_object('reply', 'fixed ' || n)
             ELSE jsonb_build_object('reply', 'answer ' || n) END,
           now() - interval '1 hour', CASE WHEN $8 THEN NULL ELSE now() - interval '30 minutes' END,
           CASE WHEN $8 THEN 'waiting' ELSE 'none' END, now()
         FROM q, generate_series(1, $7::int) n
         RETURNING id, queue_id, status, final_output, decided_at)
       INSERT INTO reviews (item_id, queue_id, reviewer_id, action, labels, corrected_output, review_class, claimed_at, decided_at, review_seconds)
       SELECT id, queue_id, $9, CASE status WHEN 'rejected' THEN 'reject' WHEN 'corrected' THEN 'correct' ELSE 'approve' END,
         CASE WHEN status = 'approved' THEN '{}'::text[] ELSE '{wrong}'::text[] END,
         CASE WHEN status = 'corrected' THEN final_output END, 'flagged', decided_at - interval '20 seconds', decided_at, 20
       FROM ins WHERE NOT $8`,
      [
        queueSlug,
        g.modelName ?? 'seed-llm',
        g.modelVersion ?? 'v1',
        g.confidence,
        rejected,
        corrected,
        g.count,
        g.undecided ?? false,
        reviewerId,
      ],
    );
    total += g.count;
  }
  return total;
}

export function clientQuery(client: Client): Query {
  return (text, params) => client.query(text, params as unknown[]);
}
