/**
 * Item search (GET /v1/items) over 1M items in two queues: an externalId lookup, filtered
 * pages (first and fifth), a reviewer's page scoped to their queue, and full-text `q` for a rare
 * word (~200 items), a common one (every item) and a phrase. Latency as the client sees it:
 * the median and the slowest of 20 warm requests (varying the value looked up where it can).
 *
 * The items are written with SQL (generate_series, 100k rows per statement) into a dedicated
 * database that is kept for the next run; BENCH_DROP=1 drops it afterwards.
 */
import type { Benchmark, BenchRow } from './bench-types';
import {
  adminApi,
  PG_ADMIN_URL,
  startServer,
  userApi,
  type Api,
  type TestContext,
} from '../test/support/harness';
import { dropBenchRedis, median } from './feedback-seed';
import { keptBenchContext, withClient } from './support';

const NAME = 'search: 1M items';
const ITEMS = 1_000_000;
const CHUNK = 100_000;
const SEED_VERSION = 'search-1m-v1';
const QUEUES = ['bench-search-main', 'bench-search-small'];

const searchContext = (): TestContext => keptBenchContext('search');

/**
 * Items n = 1..1M arrive evenly over 20 days (millisecond timestamps, as the API stores them):
 * every tenth in the small queue, the rest in the main one; models alpha/beta/gamma in turn;
 * statuses spread; externalId "order-<n>"; the output mentions a refund and the word "w<n % 5000>".
 * Rejected and corrected items have one review whose reason names "d<n % 1000>".
 */
async function seed(ctx: TestContext, reviewerId: string, log: (m: string) => void) {
  const started = Date.now();
  await withClient(ctx.databaseUrl, async (db) => {
    await db.query(
      `CREATE TABLE IF NOT EXISTS bench_seed (version text PRIMARY KEY, rows int NOT NULL)`,
    );
    const done = await db.query(`SELECT rows FROM bench_seed WHERE version = $1`, [SEED_VERSION]);
    if (done.rows.length) return;
    await db.query(`TRUNCATE items, item_search, reviews, item_events, item_comments`);
    await db.query(`SET synchronous_commit = off`);
    for (let start = 1; start <= ITEMS; start += CHUNK) {
      const end = Math.min(ITEMS, start + CHUNK - 1);
      await db.query(
        `WITH qs AS (SELECT array_agg(id ORDER BY slug) AS ids, array_agg(slug ORDER BY slug) AS slugs
                       FROM queues WHERE slug = ANY($1)),
         src AS (
           SELECT n, (n % 10 = 0) AS small, random() AS c,
             date_trunc('milliseconds', now() - interval '20 days' + n * (interval '20 days' / $4::int)) AS created,
             (ARRAY['approved','pending','rejected','corrected','escalated','approved','pending','approved'])[1 + n % 8] AS status
           FROM generate_series($2::int, $3::int) n),
         ins AS (
           INSERT INTO items (id, queue_id, queue_slug, external_id, body_hash, model_name, model_version, input, output,
             confidence, metadata, routing, reasons, policy_version, status, usable, decided_by, final_output,
             created_at, decided_at, review_state, updated_at)
           SELECT gen_random_uuid(),
             CASE WHEN small THEN qs.ids[2] ELSE qs.ids[1] END, CASE WHEN small THEN qs.slugs[2] ELSE qs.slugs[1] END,
             'order-' || n, md5(n::text),
             (ARRAY['alpha-llm','beta-llm','gamma-llm'])[1 + n % 3], 'v' || (n % 2),
             jsonb_build_object('messages', jsonb_build_array(jsonb_build_object('role', 'user',
               'content', 'Customer question ' || n || ': where is my refund, and when will it arrive?'))),
             jsonb_build_object('reply', 'Your refund was sent on Monday (w' || (n % 5000) || '), it should arrive soon.'),
             c, jsonb_build_object('amount', n % 500),
             CASE WHEN c < 0.3 THEN 'block' WHEN c < 0.8 THEN 'flag' ELSE 'approve' END,
             jsonb_build_array(jsonb_build_object('kind', 'threshold', 'message', 'confidence ' || round(c::numeric, 2))),
             1, status, status IN ('approved', 'corrected', 'pending'),
             CASE WHEN status IN ('approved', 'rejected', 'corrected') THEN 'reviewer' END,
             CASE WHEN status = 'corrected' THEN jsonb_build_object('reply', 'Corrected ' || n) END,
             created, CASE WHEN status IN ('approved', 'rejected', 'corrected') THEN created + interval '10 minutes' END,
             'none', now()
           FROM qs, src
           RETURNING id, queue_id, status, external_id, created_at)
         INSERT INTO reviews (item_id, queue_id, reviewer_id, action, labels, reason, review_class,
           claimed_at, decided_at, review_seconds)
         SELECT id, queue_id, $5, CASE status WHEN 'rejected' THEN 'reject' ELSE 'correct' END, '{tone}',
           'wrong date d' || (substr(external_id, 7)::int % 1000), 'flagged', created_at + interval '9 minutes', created_at + interval '10 minutes', 30
         FROM ins WHERE status IN ('rejected', 'corrected')`,
        [QUEUES, start, end, ITEMS, reviewerId],
      );
      log(`seeded ${end.toLocaleString()} items (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await db.query(`VACUUM ANALYZE items`);
    await db.query(`VACUUM ANALYZE reviews`);
    await db.query(`VACUUM ANALYZE item_search`);
    await db.query(`INSERT INTO bench_seed (version, rows) VALUES ($1, $2)`, [SEED_VERSION, ITEMS]);
  });
}

async function timed(api: Api, path: string): Promise<number> {
  const t0 = performance.now();
  const res = await api.get(path);
  if (res.status !== 200) throw new Error(`${path}: status ${res.status}`);
  return performance.now() - t0;
}

async function latency(
  label: string,
  api: Api,
  path: (i: number) => string,
  targetMs: number,
): Promise<BenchRow[]> {
  await timed(api, path(0));
  const runs: number[] = [];
  for (let i = 1; i <= 20; i += 1) runs.push(await timed(api, path(i)));
  const m = Math.round(median(runs));
  const worst = Math.round(Math.max(...runs));
  const row = (metric: string, value: number): BenchRow => ({
    benchmark: `${NAME}: ${label}`,
    metric,
    value,
    unit: 'ms',
    target: `< ${targetMs}`,
    ok: value < targetMs,
  });
  return [row('latency (median of 20)', m), row('latency (slowest of 20)', worst)];
}

/** The cursor of page `n` (1-based) of a search, for measuring deep pages. */
async function cursorOf(api: Api, query: string, n: number): Promise<string> {
  let cursor = '';
  for (let i = 1; i < n; i += 1) {
    const res = await api.get(`/v1/items?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = res.body.nextCursor as string;
  }
  return cursor;
}

const searchBench: Benchmark = async () => {
  const ctx = searchContext();
  const server = await startServer(ctx, { LOG_LEVEL: 'error' });
  try {
    const admin = await adminApi(server.url);
    for (const slug of QUEUES)
      if ((await admin.get(`/v1/queues/${slug}`)).status === 404)
        await admin.post('/v1/queues', { slug, name: slug, labels: ['tone'] });
    const reviewer = await userApi(admin, ['reviewer'], [QUEUES[1]]);
    await seed(ctx, reviewer.user.id, (m) => process.stderr.write(`  ${m}\n`));
    const random = (i: number, max: number) => 1 + ((i * 7919 + 104729) % max);
    const filtered = 'model=beta-llm&status=rejected&limit=50';
    const fifth = await cursorOf(admin, filtered, 5);
    return [
      ...(await latency(
        'externalId lookup',
        admin,
        (i) => `/v1/items?externalId=order-${random(i, ITEMS)}`,
        50,
      )),
      ...(await latency(
        'filtered page (model + status)',
        admin,
        () => `/v1/items?${filtered}`,
        50,
      )),
      ...(await latency(
        'filtered page 5 (cursor)',
        admin,
        () => `/v1/items?${filtered}&cursor=${fifth}`,
        50,
      )),
      ...(await latency(
        'queue + routing page',
        admin,
        () => `/v1/items?queue=${QUEUES[1]}&routing=block`,
        50,
      )),
      ...(await latency('reviewer page (own queue)', reviewer, () => '/v1/items?limit=50', 50)),
      ...(await latency(
        'q rare word (~200 items)',
        admin,
        (i) => `/v1/items?q=w${random(i, 4999)}`,
        300,
      )),
      ...(await latency('q common word (every item)', admin, () => '/v1/items?q=refund', 300)),
      ...(await latency(
        'q phrase',
        admin,
        () => `/v1/items?q=${encodeURIComponent('"refund was sent"')}`,
        300,
      )),
      ...(await latency('q review reason', admin, (i) => `/v1/items?q=d${random(i, 999)}`, 300)),
    ];
  } finally {
    await server.stop();
    await dropBenchRedis(ctx);
    if (process.env.BENCH_DROP === '1')
      await withClient(PG_ADMIN_URL, (c) =>
        c.query(`DROP DATABASE IF EXISTS "${ctx.database}" WITH (FORCE)`),
      );
  }
};

export default searchBench;
