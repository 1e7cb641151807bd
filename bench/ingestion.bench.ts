/**
 * Submission throughput and latency: autocannon with 32 connections posting flagged items (so
 * each is persisted and queued for review) to Verdict, and the same load against the bare
 * node:http + one-INSERT baseline, measured in the same run. Then batch ingestion in items/s.
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Benchmark, BenchRow } from './bench-types';
import {
  adminApi,
  apiKey,
  createQueue,
  dropTestState,
  freePort,
  sql,
  startServer,
  submission,
  testContext,
} from '../test/support/harness';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 32;
const NAME = 'ingestion: POST /items (32 connections, flagged)';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string>, body: string): Promise<Load> {
  // A short warm-up so JIT and connection pools are hot before measuring.
  await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

const ingestionBench: Benchmark = async () => {
  const ctx = testContext('ingestion-bench.test.js');
  const rows: BenchRow[] = [];
  try {
    const server = await startServer(ctx, { LOG_LEVEL: 'warn', SWEEP_INTERVAL_MS: '10000' });
    const body = JSON.stringify(submission({ confidence: 0.7 }));
    let verdict: Load;
    let batchItemsPerSecond: number;
    let queueId: string;
    try {
      const admin = await adminApi(server.url);
      await createQueue(admin, 'bench-ingest');
      const key = await apiKey(admin, ['bench-ingest']);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key.token}` };
      verdict = await load(`${server.url}/v1/queues/bench-ingest/items`, headers, body);

      const batch = JSON.stringify({
        items: Array.from({ length: 500 }, () => submission({ confidence: 0.7 })),
      });
      const batchRun = await autocannon({
        url: `${server.url}/v1/queues/bench-ingest/items/batch`,
        method: 'POST',
        headers,
        body: batch,
        connections: 4,
        duration: SECONDS,
      });
      batchItemsPerSecond = (batchRun.requests.total * 500) / SECONDS;
      if (batchRun.non2xx + batchRun.errors > 0)
        throw new Error(`batch run had ${batchRun.non2xx + batchRun.errors} failures`);
      [{ id: queueId }] = await sql<{ id: string }>(
        ctx,
        "SELECT id FROM queues WHERE slug = 'bench-ingest'",
      );
    } finally {
      await server.stop();
    }

    const port = await freePort();
    const baselineServer = fork(join(__dirname, 'baseline-server.js'), [], {
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, PORT: String(port), QUEUE_ID: queueId },
    });
    await once(baselineServer, 'message');
    let baseline: Load;
    try {
      baseline = await load(
        `http://127.0.0.1:${port}/`,
        { 'content-type': 'application/json' },
        body,
      );
    } finally {
      baselineServer.kill();
    }

    const ratio = verdict.rps / baseline.rps;
    rows.push(
      {
        benchmark: NAME,
        metric: 'requests/s',
        value: Math.round(verdict.rps),
        unit: 'req/s',
        baseline: Math.round(baseline.rps),
        target: '>= 1.0x baseline',
        ok: ratio >= 1,
      },
      {
        benchmark: NAME,
        metric: 'ratio to baseline',
        value: Math.round(ratio * 100) / 100,
        unit: 'x',
        target: '>= 1.0',
        ok: ratio >= 1,
      },
      {
        benchmark: NAME,
        metric: 'p50 latency',
        value: verdict.p50,
        unit: 'ms',
        baseline: baseline.p50,
      },
      {
        benchmark: NAME,
        metric: 'p99 latency',
        value: verdict.p99,
        unit: 'ms',
        baseline: baseline.p99,
        target: '< 50 ms',
        ok: verdict.p99 < 50,
      },
      {
        benchmark: NAME,
        metric: 'failed requests',
        value: verdict.non2xx,
        unit: 'count',
        baseline: baseline.non2xx,
        target: '0',
        ok: verdict.non2xx === 0,
      },
      {
        benchmark: 'ingestion: POST /items/batch (500 per call, 4 clients)',
        metric: 'items/s',
        value: Math.round(batchItemsPerSecond),
        unit: 'items/s',
        target: '>= 20000',
        ok: batchItemsPerSecond >= 20_000,
      },
    );
  } finally {
    await dropTestState(ctx);
  }
  return rows;
};

export default ingestionBench;
