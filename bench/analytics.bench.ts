/**
 * Calibration, policy simulation and recommendation over 1M reviewed items (one queue, all
 * decided within the last 20 days): latency of each request as the client sees it. The first
 * (cold) run and the median of three warm runs are reported.
 */
import type { Benchmark, BenchRow } from './bench-types';
import { ADMIN, adminApi, startServer, type Api } from '../test/support/harness';
import {
  benchContext,
  BENCH_QUEUE,
  dropBenchDatabase,
  dropBenchRedis,
  ensureQueue,
  median,
  seedMillion,
} from './feedback-seed';

const NAME = 'analytics: 1M reviewed items';

async function timed(fn: () => Promise<{ status: number }>): Promise<number> {
  const t0 = performance.now();
  const res = await fn();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return performance.now() - t0;
}

async function latency(
  label: string,
  fn: () => Promise<{ status: number }>,
  targetMs?: number,
): Promise<BenchRow[]> {
  const goal = (ms: number) =>
    targetMs === undefined ? {} : { target: `< ${targetMs}`, ok: ms < targetMs };
  const cold = await timed(fn);
  const warm: number[] = [];
  for (let i = 0; i < 3; i += 1) warm.push(await timed(fn));
  const m = Math.round(median(warm));
  return [
    {
      benchmark: `${NAME}: ${label}`,
      metric: 'latency (median of 3)',
      value: m,
      unit: 'ms',
      ...goal(m),
    },
    {
      benchmark: `${NAME}: ${label}`,
      metric: 'latency (first run)',
      value: Math.round(cold),
      unit: 'ms',
      ...goal(cold),
    },
  ];
}

const analyticsBench: Benchmark = async () => {
  const ctx = benchContext();
  const server = await startServer(ctx, { LOG_LEVEL: 'error' });
  try {
    const admin: Api = await adminApi(server.url);
    await ensureQueue(admin);
    const me = await admin.post('/v1/auth/login', ADMIN);
    await seedMillion(ctx, me.body.user.id, (m) => process.stderr.write(`  ${m}\n`));
    return [
      ...(await latency(
        'calibration',
        () => admin.get(`/v1/analytics/calibration?queue=${BENCH_QUEUE}&bins=10`),
        2000,
      )),
      ...(await latency(
        'simulate',
        () =>
          admin.post(`/v1/queues/${BENCH_QUEUE}/policy/simulate`, {
            autoApproveAt: 0.85,
            blockBelow: 0.4,
          }),
        2000,
      )),
      ...(await latency(
        'recommendation',
        () => admin.get(`/v1/queues/${BENCH_QUEUE}/policy/recommendation?maxErrorRate=0.05`),
        2000,
      )),
      ...(await latency('drift', () => admin.get(`/v1/analytics/drift?queue=${BENCH_QUEUE}`))),
    ];
  } finally {
    await server.stop();
    await dropBenchRedis(ctx);
    if (process.env.BENCH_DROP === '1') await dropBenchDatabase(ctx);
  }
};

export default analyticsBench;

if (require.main === module) {
  analyticsBench().then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
