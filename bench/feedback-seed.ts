/**
 * One million human decisions for the export and analytics benchmarks, written with SQL
 * (generate_series, 100k rows per statement) into a dedicated database. The database is kept
 * and reused by the next run (both benchmarks share it); BENCH_DROP=1 drops it afterwards.
 */
import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Api, PG_ADMIN_URL, REDIS_URL, type TestContext } from '../test/support/harness';

export const DECISIONS = 1_000_000;
export const BENCH_QUEUE = 'bench-feedback';
const SEED_VERSION = 'feedback-1m-v2';
const CHUNK = 100_000;

export function benchContext(): TestContext {
  const database = 'verdict_bench_feedback';
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    name: 'bench_feedback',
    database,
    databaseUrl: url.toString(),
    redisPrefix: `vb-feedback-${process.pid}`,
  };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Seeds the queue (created through the API beforehand) unless this seed is already there.
 * Items: confidence uniform on [0, 1); people approved with probability = confidence (so the
 * model is roughly calibrated), otherwise rejected or corrected; one review each. Items arrive
 * evenly over the last 20 days and are decided 10 minutes later, so rows sit on disk in
 * arrival/decision order as they do in production (tables grow by appending).
 */
export async function seedMillion(
  ctx: TestContext,
  reviewerId: string,
  log: (m: string) => void,
): Promise<{ seeded: boolean; seconds: number }> {
  const started = Date.now();
  return withClient(ctx.databaseUrl, async (db) => {
    await db.query(
      `CREATE TABLE IF NOT EXISTS bench_seed (version text PRIMARY KEY, rows int NOT NULL)`,
    );
    const done = await db.query(`SELECT rows FROM bench_seed WHERE version = $1`, [SEED_VERSION]);
    if (done.rows.length) return { seeded: false, seconds: 0 };
    await db.query(
      `DELETE FROM reviews WHERE queue_id IN (SELECT id FROM queues WHERE slug = $1)`,
      [BENCH_QUEUE],
    );
    await db.query(`DELETE FROM items WHERE queue_slug = $1`, [BENCH_QUEUE]);
    await db.query(`SET synchronous_commit = off`);
    for (let start = 1; start <= DECISIONS; start += CHUNK) {
      const end = Math.min(DECISIONS, start + CHUNK - 1);
      await db.query(
        `WITH q AS (SELECT id, slug FROM queues WHERE slug = $1),
         src AS (
           SELECT n, random() AS c, random() AS u,
             now() - interval '20 days' + n * (interval '20 days' / $5::int) AS created
           FROM generate_series($2::int, $3::int) n),
         ins AS (
           INSERT INTO items (id, queue_id, queue_slug, body_hash, model_name, model_version, input, output, confidence, metadata,
             routing, reasons, policy_version, status, usable, decided_by, final_output, created_at, decided_at, review_state, updated_at)
           SELECT gen_random_uuid(), q.id, q.slug, md5(n::text), 'bench-llm', CASE WHEN n % 2 = 0 THEN 'v1' ELSE 'v2' END,
             jsonb_build_object('messages', jsonb_build_array(jsonb_build_object('role', 'user',
               'content', 'Customer question number ' || n || ': where is my refund, and when will it arrive?'))),
             jsonb_build_object('reply', 'Your refund ' || n || ' was sent on Monday, "as promised", and should arrive soon.'),
             c, jsonb_build_object('amount', n % 500), CASE WHEN c < 0.5 THEN 'block' ELSE 'flag' END,
             '[{"kind":"threshold","message":"seeded"}]', 1,
             CASE WHEN u < c THEN 'approved' WHEN u < (c + 1) / 2 THEN 'rejected' ELSE 'corrected' END,
             u < c OR u >= (c + 1) / 2, 'reviewer',
             CASE WHEN u < c THEN jsonb_build_object('reply', 'Your refund ' || n || ' was sent on Monday, "as promised", and should arrive soon.')
               WHEN u < (c + 1) / 2 THEN NULL ELSE jsonb_build_object('reply', 'Corrected reply ' || n) END,
             created, created + interval '10 minutes', 'none', now()
           FROM q, src
           RETURNING id, queue_id, status, final_output, decided_at)
         INSERT INTO reviews (item_id, queue_id, reviewer_id, action, labels, reason, comment, corrected_output, review_class,
           claimed_at, decided_at, review_seconds)
         SELECT id, queue_id, $4, CASE status WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject' ELSE 'correct' END,
           CASE WHEN status = 'approved' THEN '{}'::text[] ELSE '{tone}'::text[] END,
           CASE WHEN status = 'approved' THEN NULL ELSE 'wrong, "really"' END, NULL,
           CASE WHEN status = 'corrected' THEN final_output END, 'flagged', decided_at - interval '30 seconds', decided_at, 30
         FROM ins`,
        [BENCH_QUEUE, start, end, reviewerId, DECISIONS],
      );
      log(
        `seeded ${end.toLocaleString()} decisions (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    }
    await db.query(`VACUUM ANALYZE items`);
    await db.query(`VACUUM ANALYZE reviews`);
    await db.query(`INSERT INTO bench_seed (version, rows) VALUES ($1, $2)`, [
      SEED_VERSION,
      DECISIONS,
    ]);
    return { seeded: true, seconds: (Date.now() - started) / 1000 };
  });
}

export async function dropBenchDatabase(ctx: TestContext): Promise<void> {
  await withClient(PG_ADMIN_URL, (c) =>
    c.query(`DROP DATABASE IF EXISTS "${ctx.database}" WITH (FORCE)`),
  );
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** The bench queue, created through the API on the first run. */
export async function ensureQueue(admin: Api): Promise<void> {
  if ((await admin.get(`/v1/queues/${BENCH_QUEUE}`)).status === 200) return;
  const res = await admin.post('/v1/queues', {
    slug: BENCH_QUEUE,
    name: 'Feedback bench',
    policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0, rules: [] },
    labels: ['tone'],
  });
  if (res.status !== 201)
    throw new Error(`create queue: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The bench server's Redis keys (its prefix is per run; the database is kept). */
export async function dropBenchRedis(ctx: TestContext): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ctx.redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
