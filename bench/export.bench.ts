/**
 * Export of 1M decision records (GET /v1/feedback/export, jsonl and csv, no compression):
 * rows/s as the client receives them, and the server's resident-memory growth during the
 * export (VmRSS of the server process, sampled every 50 ms, minus its value just before).
 */
import { request } from 'node:http';
import type { Benchmark, BenchRow } from './bench-types';
import { ADMIN, adminApi, startServer, type Api } from '../test/support/harness';
import {
  benchContext,
  BENCH_QUEUE,
  DECISIONS,
  dropBenchDatabase,
  dropBenchRedis,
  ensureQueue,
  rssMb,
  seedMillion,
} from './feedback-seed';

const NAME = 'export: 1M decision records';

/** Streams the export, counting lines without keeping the body. */
function download(
  baseUrl: string,
  token: string,
  format: string,
): Promise<{ lines: number; bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let lines = 0;
    let bytes = 0;
    const req = request(
      `${baseUrl}/v1/feedback/export?format=${format}&queue=${BENCH_QUEUE}`,
      { headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`export: ${res.statusCode}`));
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        });
        res.on('end', () => resolve({ lines, bytes, seconds: (performance.now() - t0) / 1000 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function measure(admin: Api, pid: number, format: string): Promise<BenchRow[]> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 50);
  try {
    const result = await download(admin.baseUrl, admin.token!, format);
    peak = Math.max(peak, rssMb(pid));
    // CSV carries a header line; every other line is one record.
    const records = format === 'csv' ? result.lines - 1 : result.lines;
    if (records < DECISIONS * 0.99)
      throw new Error(`export returned ${records} records, expected ${DECISIONS}`);
    const rate = Math.round(records / result.seconds);
    const growth = Math.round((peak - before) * 10) / 10;
    return [
      {
        benchmark: `${NAME} (${format})`,
        metric: 'rows/s',
        value: rate,
        unit: 'rows/s',
        target: '>= 50000',
        ok: rate >= 50_000,
      },
      {
        benchmark: `${NAME} (${format})`,
        metric: 'server RSS growth',
        value: growth,
        unit: 'MB',
        target: '< 100',
        ok: growth < 100,
      },
      {
        benchmark: `${NAME} (${format})`,
        metric: 'body size',
        value: Math.round(result.bytes / 1e6),
        unit: 'MB',
      },
    ];
  } finally {
    clearInterval(sampler);
  }
}

const exportBench: Benchmark = async () => {
  const ctx = benchContext();
  const server = await startServer(ctx, { LOG_LEVEL: 'error' });
  try {
    const admin = await adminApi(server.url);
    await ensureQueue(admin);
    const me = await admin.post('/v1/auth/login', ADMIN);
    const seed = await seedMillion(ctx, me.body.user.id, (m) => process.stderr.write(`  ${m}\n`));
    const pid = server.process.pid!;
    // Warm-up: JIT and the first connection, on a small slice.
    await admin.get(
      `/v1/feedback/export?format=jsonl&queue=${BENCH_QUEUE}&since=${new Date(Date.now() - 3600_000).toISOString()}`,
    );
    const rows: BenchRow[] = [];
    for (const format of (process.env.EXPORT_BENCH_FORMATS ?? 'jsonl,csv').split(','))
      rows.push(...(await measure(admin, pid, format)));
    if (seed.seeded)
      rows.push({
        benchmark: NAME,
        metric: 'seeding (SQL, once)',
        value: Math.round(seed.seconds),
        unit: 's',
      });
    return rows;
  } finally {
    await server.stop();
    await dropBenchRedis(ctx);
    if (process.env.BENCH_DROP === '1') await dropBenchDatabase(ctx);
  }
};

export default exportBench;

if (require.main === module) {
  exportBench().then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
