/**
 * Submit → item.queued latency: a reviewer's socket watches a queue while a product system
 * submits flagged items at 200/s for 10 s. Latency runs from just before the POST is sent to
 * the moment the socket receives the item.queued event for that item.
 */
import type { Benchmark, BenchRow } from './bench-types';
import {
  adminApi,
  apiKey,
  createQueue,
  dropTestState,
  startServer,
  submission,
  testContext,
} from '../test/support/harness';
import { connectLive } from '../test/support/live-client';

const RATE = 200;
const SECONDS = 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const liveBench: Benchmark = async () => {
  const ctx = testContext('live-bench.test.js');
  const server = await startServer(ctx, { LOG_LEVEL: 'error' });
  try {
    const admin = await adminApi(server.url);
    await createQueue(admin, 'bench-live');
    const product = await apiKey(admin, ['bench-live']);
    const client = await connectLive(server.url, admin.token);
    const ack = await client.subscribe('bench-live');
    if (!ack.ok) throw new Error(`subscribe failed: ${ack.error}`);

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const responseTimes: number[] = [];
    const eventAt = new Map<string, number>();
    const responseAt = new Map<string, number>();
    client.socket.on('item.queued', (item: { externalId: string }) => {
      const t0 = sentAt.get(item.externalId);
      if (t0 === undefined) return;
      latencies.push(performance.now() - t0);
      eventAt.set(item.externalId, performance.now());
    });

    // Warm-up: connections, caches and JIT, not measured.
    for (let i = 0; i < 50; i++)
      await product.post('/v1/queues/bench-live/items', submission({ externalId: `warm-${i}` }));

    const total = RATE * SECONDS;
    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    let failed = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const externalId = `bench-${i}`;
      const t0 = performance.now();
      sentAt.set(externalId, t0);
      inFlight.push(
        product
          .post('/v1/queues/bench-live/items', submission({ externalId, confidence: 0.7 }))
          .then(
            (res) => {
              if (res.status !== 201) return failed++;
              responseAt.set(externalId, performance.now());
              return responseTimes.push(performance.now() - t0);
            },
            () => failed++,
          ),
      );
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - start) / 1000;
    const deadline = Date.now() + 5_000;
    while (latencies.length < total - failed && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    client.close();

    const sorted = [...latencies].sort((x, y) => x - y);
    const p99 = percentile(sorted, 99);
    const responses = [...responseTimes].sort((x, y) => x - y);
    // How much later than the HTTP answer the event arrived (0 when it came first): the socket path alone.
    const lag = [...eventAt]
      .map(([id, at]) => Math.max(0, at - (responseAt.get(id) ?? at)))
      .sort((x, y) => x - y);
    const rows: BenchRow[] = [
      {
        benchmark: 'live: submit → item.queued',
        metric: 'submissions/s',
        value: Math.round(total / elapsed),
        unit: 'req/s',
        target: `${RATE}`,
      },
      {
        benchmark: 'live: submit → item.queued',
        metric: 'p50',
        value: round(percentile(sorted, 50)),
        unit: 'ms',
      },
      {
        benchmark: 'live: submit → item.queued',
        metric: 'p99',
        value: round(p99),
        unit: 'ms',
        target: '< 50 ms',
        ok: p99 < 50,
      },
      {
        benchmark: 'live: submit → item.queued',
        metric: 'POST response p99 (context)',
        value: round(percentile(responses, 99)),
        unit: 'ms',
      },
      {
        benchmark: 'live: submit → item.queued',
        metric: 'event after POST response, p99 (socket path)',
        value: round(percentile(lag, 99)),
        unit: 'ms',
      },
      {
        benchmark: 'live: submit → item.queued',
        metric: 'events missing',
        value: total - failed - latencies.length,
        unit: 'events',
        target: '0',
        ok: total - failed - latencies.length === 0 && failed === 0,
      },
    ];
    return rows;
  } finally {
    await server.stop();
    await dropTestState(ctx);
  }
};

const round = (x: number) => Math.round(x * 10) / 10;

export default liveBench;

if (require.main === module) {
  liveBench().then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
