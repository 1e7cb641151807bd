/**
 * Claim + decide with 16 concurrent reviewers over 10k waiting items. Each reviewer loops:
 * POST /claim, then POST /decision (approve) on what it got. A cycle's latency runs from the
 * claim request to the decision response; reviews/s counts decisions over the measured window.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Benchmark, BenchRow } from './bench-types';
import {
  adminApi,
  Api,
  apiKey,
  createQueue,
  dropTestState,
  sql,
  startServer,
  testContext,
  userApi,
} from '../test/support/harness';

const WAITING = 10_000;
const REVIEWERS = 16;
const SECONDS = 15;
const NAME = 'review: claim + decide (16 reviewers, 10k waiting)';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** CPU seconds a process has used (Linux /proc), to tell "server busy" from "machine busy". */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function seed(product: Api, slug: string): Promise<void> {
  for (let start = 0; start < WAITING; start += 500) {
    const items = Array.from({ length: Math.min(500, WAITING - start) }, (_, i) => ({
      model: { name: 'bench-llm' },
      input: { prompt: `question ${start + i}` },
      output: { reply: `answer ${start + i}` },
      confidence: 0.7,
    }));
    const res = await product.post(`/v1/queues/${slug}/items/batch`, { items });
    if (res.status !== 200)
      throw new Error(`seeding failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

const reviewBench: Benchmark = async () => {
  const ctx = testContext('review-bench.test.js');
  const server = await startServer(ctx, { LOG_LEVEL: 'error', SWEEP_INTERVAL_MS: '10000' });
  try {
    const admin = await adminApi(server.url);
    await createQueue(admin, 'bench-review');
    const product = await apiKey(admin, ['bench-review']);
    await seed(product, 'bench-review');
    const reviewers = await Promise.all(
      Array.from({ length: REVIEWERS }, () => userApi(admin, ['reviewer'], ['bench-review'])),
    );

    const cycles: number[] = [];
    const claims: number[] = [];
    const decisions: number[] = [];
    let failures = 0;
    let measuring = false;
    let stop = false;

    const loop = async (reviewer: Api) => {
      while (!stop) {
        const t0 = performance.now();
        const claimed = await reviewer.post('/v1/queues/bench-review/claim');
        const t1 = performance.now();
        if (claimed.status === 204) return;
        if (claimed.status !== 200) {
          failures++;
          continue;
        }
        const decided = await reviewer.post(`/v1/items/${claimed.body.item.id}/decision`, {
          action: 'approve',
        });
        const t2 = performance.now();
        if (decided.status !== 200) failures++;
        if (!measuring) continue;
        claims.push(t1 - t0);
        decisions.push(t2 - t1);
        cycles.push(t2 - t0);
      }
    };

    // Warm-up (connections, caches, JIT) for 2 s, then measure.
    const running = reviewers.map((r) => loop(r));
    await new Promise((r) => setTimeout(r, 2_000));
    measuring = true;
    const start = performance.now();
    const cpuBefore = cpuSeconds(server.process.pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    measuring = false;
    const elapsed = (performance.now() - start) / 1000;
    const serverCpu = cpuSeconds(server.process.pid) - cpuBefore;
    stop = true;
    await Promise.all(running);

    // The claim must stay an index walk with thousands waiting.
    const plan = await sql<{ 'QUERY PLAN': string }>(
      ctx,
      `EXPLAIN SELECT id FROM items WHERE queue_id = (SELECT id FROM queues WHERE slug = 'bench-review')
         AND review_state = 'waiting' AND review_rank >= 1 ORDER BY review_rank, queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    const usesIndex = plan.some((p) => p['QUERY PLAN'].includes('items_review_line_idx'));

    const sortedCycles = [...cycles].sort((a, b) => a - b);
    const sortedClaims = [...claims].sort((a, b) => a - b);
    const sortedDecisions = [...decisions].sort((a, b) => a - b);
    const p99 = percentile(sortedCycles, 99);
    const rows: BenchRow[] = [
      {
        benchmark: NAME,
        metric: 'reviews/s',
        value: Math.round(cycles.length / elapsed),
        unit: 'reviews/s',
      },
      {
        benchmark: NAME,
        metric: 'cycle p50',
        value: round(percentile(sortedCycles, 50)),
        unit: 'ms',
      },
      {
        benchmark: NAME,
        metric: 'cycle p99',
        value: round(p99),
        unit: 'ms',
        target: '< 25 ms',
        ok: p99 < 25,
      },
      {
        benchmark: NAME,
        metric: 'claim p99',
        value: round(percentile(sortedClaims, 99)),
        unit: 'ms',
      },
      {
        benchmark: NAME,
        metric: 'decision p99',
        value: round(percentile(sortedDecisions, 99)),
        unit: 'ms',
      },
      {
        benchmark: NAME,
        metric: 'server CPU per review (context)',
        value: round((serverCpu * 1000) / Math.max(1, cycles.length)),
        unit: 'ms',
      },
      {
        benchmark: NAME,
        metric: 'machine load, 1 min (context)',
        value: round(loadavg()[0]),
        unit: 'load',
      },
      {
        benchmark: NAME,
        metric: 'failed requests',
        value: failures,
        unit: 'requests',
        target: '0',
        ok: failures === 0,
      },
      {
        benchmark: NAME,
        metric: 'claim uses items_review_line_idx',
        value: usesIndex ? 1 : 0,
        unit: 'bool',
        target: '1',
        ok: usesIndex,
      },
    ];
    return rows;
  } finally {
    await server.stop();
    await dropTestState(ctx);
  }
};

export default reviewBench;
