/**
 * Submission throughput and latency, against the naive baseline measured in the same run:
 * - closed loop: autocannon with 32 connections posting flagged items (each persisted and queued
 *   for review), with the server's CPU time per submission (from /proc);
 * - open loop at a fixed moderate rate (200/s): the latency a product sees in its request path;
 * - batch ingestion (500 per call, 4 clients) in items/s, against 4x the baseline's requests/s;
 * - the baseline: a bare node:http server doing one INSERT per request, same 32-connection load.
 */
import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import type { Benchmark, BenchRow } from './bench-types';
import {
  closedLoop,
  cpuSeconds,
  httpStatus,
  inspectorProfiler,
  load1,
  naiveBaseline,
  openLoop,
  percentile,
  postgresCpu,
  postgresCpuSince,
  round1,
  sortNumbers,
} from './support';
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
const RATE = 200;
const RATE_SECONDS = 10;
const BATCH_WARM_UP_SECONDS = Number(process.env.BENCH_BATCH_WARM_UP ?? 10);
const NAME = 'ingestion: POST /items (32 connections, flagged)';
const OPEN = `ingestion: POST /items at ${RATE}/s (open loop)`;
const BATCH = 'ingestion: POST /items/batch (500 per call, 4 clients)';

const ingestionBench: Benchmark = async () => {
  const ctx = testContext('ingestion-bench.test.js');
  const rows: BenchRow[] = [];
  try {
    // BENCH_CPU_PROF=<prefix>: V8 CPU profiles of the server during the 32-connection run and the
    // batch run are written to <prefix>-submit.cpuprofile and <prefix>-batch.cpuprofile
    // (summarise them with `node dist/bench/profile-summary.js <file>`).
    const profileFile = process.env.BENCH_CPU_PROF;
    const inspectPort = profileFile ? await freePort() : 0;
    const server = await startServer(ctx, {
      LOG_LEVEL: 'warn',
      SWEEP_INTERVAL_MS: '10000',
      ...(profileFile ? { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` } : {}),
    });
    const body = JSON.stringify(submission({ confidence: 0.7 }));
    let queueId: string;
    try {
      const admin = await adminApi(server.url);
      await createQueue(admin, 'bench-ingest');
      const key = await apiKey(admin, ['bench-ingest']);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key.token}` };
      const url = `${server.url}/v1/queues/bench-ingest/items`;

      const profiler = profileFile ? await inspectorProfiler(inspectPort) : undefined;
      const closed = await closedLoop(url, headers, body, server.process.pid, () =>
        profiler?.start(),
      );
      if (profiler)
        writeFileSync(`${profileFile}-submit.cpuprofile`, JSON.stringify(await profiler.stop()));
      const closedLoad = load1();

      // Open loop at 200/s, each request with its own externalId like a product would send.
      const open = await openLoop(RATE, RATE_SECONDS, (agent, i) =>
        httpStatus(
          agent,
          url,
          'POST',
          headers,
          JSON.stringify(submission({ confidence: 0.7, externalId: `open-${i}` })),
        ),
      );
      const openLoad = load1();
      const openSorted = sortNumbers(open.latencies);

      const batch = JSON.stringify({
        items: Array.from({ length: 500 }, () => submission({ confidence: 0.7 })),
      });
      // Warm-up first, as for the other runs: V8 optimises the batch path only once it is hot.
      await autocannon({
        url: `${url}/batch`,
        method: 'POST',
        headers,
        body: batch,
        connections: 4,
        duration: BATCH_WARM_UP_SECONDS,
      });
      const batchProfiler = profileFile ? await inspectorProfiler(inspectPort) : undefined;
      await batchProfiler?.start();
      const batchCpuBefore = cpuSeconds(server.process.pid);
      const batchPgBefore = postgresCpu();
      const batchRun = await autocannon({
        url: `${url}/batch`,
        method: 'POST',
        headers,
        body: batch,
        connections: 4,
        duration: SECONDS,
      });
      const batchLoad = load1();
      const batchServerCpu = cpuSeconds(server.process.pid) - batchCpuBefore;
      const batchPgCpu = postgresCpuSince(batchPgBefore);
      if (batchProfiler)
        writeFileSync(
          `${profileFile}-batch.cpuprofile`,
          JSON.stringify(await batchProfiler.stop()),
        );
      const batchItems = batchRun.requests.total * 500;
      const batchItemsPerSecond = batchItems / SECONDS;
      if (batchRun.non2xx + batchRun.errors > 0)
        throw new Error(`batch run had ${batchRun.non2xx + batchRun.errors} failures`);
      [{ id: queueId }] = await sql<{ id: string }>(
        ctx,
        "SELECT id FROM queues WHERE slug = 'bench-ingest'",
      );
      await server.stop();

      const baseline = await naiveBaseline(ctx.databaseUrl, queueId, await freePort(), body, {
        openLoop: { rate: RATE, seconds: RATE_SECONDS },
      });
      const ratio = closed.rps / baseline.rps;
      rows.push(
        {
          benchmark: NAME,
          metric: 'requests/s',
          value: Math.round(closed.rps),
          unit: 'req/s',
          baseline: Math.round(baseline.rps),
          load: `${closedLoad} / base ${baseline.load}`,
        },
        {
          benchmark: NAME,
          metric: 'ratio to baseline',
          value: Math.round(ratio * 100) / 100,
          unit: 'x',
          target: '>= 0.5',
          ok: ratio >= 0.5,
          load: closedLoad,
        },
        {
          benchmark: NAME,
          metric: 'p50 latency',
          value: closed.p50,
          unit: 'ms',
          baseline: baseline.p50,
          load: closedLoad,
        },
        {
          benchmark: NAME,
          metric: 'p99 latency',
          value: closed.p99,
          unit: 'ms',
          baseline: baseline.p99,
          target: '< 50 ms',
          ok: closed.p99 < 50,
          load: closedLoad,
        },
        {
          benchmark: NAME,
          metric: 'server CPU per submission',
          value: Math.round(closed.cpuPerRequestUs),
          unit: 'µs',
          baseline: Math.round(baseline.cpuPerRequestUs),
          load: closedLoad,
        },
        {
          benchmark: NAME,
          metric: 'failed requests',
          value: closed.failed,
          unit: 'count',
          baseline: baseline.failed,
          target: '0',
          ok: closed.failed === 0,
          load: closedLoad,
        },
        {
          benchmark: OPEN,
          metric: 'p50 latency',
          value: round1(percentile(openSorted, 50)),
          unit: 'ms',
          baseline: baseline.open?.p50,
          load: `${openLoad} / base ${baseline.open?.load}`,
        },
        {
          benchmark: OPEN,
          metric: 'p99 latency',
          value: round1(percentile(openSorted, 99)),
          unit: 'ms',
          baseline: baseline.open?.p99,
          target: '< 10 ms',
          ok: percentile(openSorted, 99) < 10,
          load: openLoad,
        },
        {
          benchmark: OPEN,
          metric: 'failed requests',
          value: open.failed,
          unit: 'count',
          baseline: baseline.open?.failed,
          target: '0',
          ok: open.failed === 0,
          load: openLoad,
        },
        {
          benchmark: BATCH,
          metric: 'items/s',
          value: Math.round(batchItemsPerSecond),
          unit: 'items/s',
          target: `>= 4x baseline req/s (${Math.round(4 * baseline.rps)})`,
          ok: batchItemsPerSecond >= 4 * baseline.rps,
          load: batchLoad,
        },
        {
          // Where a batched item's time goes: the run is bound by these two on the same cores.
          benchmark: BATCH,
          metric: 'server / Postgres CPU per item',
          value: Math.round((batchServerCpu * 1e6) / batchItems),
          unit: `/ ${Math.round((batchPgCpu * 1e6) / batchItems)} µs`,
          load: batchLoad,
        },
      );
    } finally {
      await server.stop();
    }
  } finally {
    await dropTestState(ctx);
  }
  return rows;
};

export default ingestionBench;
