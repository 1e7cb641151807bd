/**
 * Submissions under a login flood: submit p99 with 64 concurrent wrong sign-ins running, against
 * the same figure without them, in one run. The throttling limits are raised so that every
 * wrong sign-in reaches the password hash (the worst case: a flood spread over many emails and
 * addresses); what keeps submissions fast is the bound on concurrent hashing.
 */
import autocannon from 'autocannon';
import type { Benchmark } from './bench-types';
import {
  adminApi,
  apiKey,
  createQueue,
  dropTestState,
  startServer,
  submission,
  testContext,
} from '../test/support/harness';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SUBMITTERS = 16;
const FLOODERS = 64;
const NAME = 'login flood: POST /items p99 (16 connections) with 64 wrong sign-ins';

interface Run {
  rps: number;
  p99: number;
  failures: number;
}

async function submit(url: string, headers: Record<string, string>): Promise<Run> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body: JSON.stringify(submission({ confidence: 0.7 })),
    connections: SUBMITTERS,
    duration: SECONDS,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors,
  };
}

const loginFloodBench: Benchmark = async () => {
  const ctx = testContext('login-flood-bench.test.js');
  try {
    const server = await startServer(ctx, {
      LOG_LEVEL: 'error',
      SWEEP_INTERVAL_MS: '10000',
      LOGIN_MAX_FAILURES_PER_EMAIL: '1000000',
      LOGIN_MAX_FAILURES_PER_IP: '1000000',
    });
    try {
      const admin = await adminApi(server.url);
      await createQueue(admin, 'bench-flood');
      const key = await apiKey(admin, ['bench-flood']);
      const url = `${server.url}/v1/queues/bench-flood/items`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${key.token}` };
      // Warm-up, then the quiet figure.
      await autocannon({ url, method: 'POST', headers, body: '{}', connections: 4, duration: 2 });
      const quiet = await submit(url, headers);

      const flood = autocannon({
        url: `${server.url}/v1/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'attacker@verdict.test', password: 'not-the-password' }),
        connections: FLOODERS,
        duration: SECONDS + 4,
      });
      await new Promise((r) => setTimeout(r, 2_000));
      const flooded = await submit(url, headers);
      const floodResult = await flood;

      const ratio = flooded.p99 / Math.max(1, quiet.p99);
      const statuses = floodResult.statusCodeStats as Record<string, { count: number }>;
      const answered = (code: string) => statuses[code]?.count ?? 0;
      return [
        {
          benchmark: NAME,
          metric: 'submit p99',
          value: flooded.p99,
          unit: 'ms',
          baseline: quiet.p99,
          target: '< 3x without the flood',
          ok: ratio < 3 && flooded.failures === 0,
        },
        {
          benchmark: NAME,
          metric: 'ratio to quiet p99',
          value: Number(ratio.toFixed(2)),
          unit: 'x',
          target: '< 3',
          ok: ratio < 3,
        },
        {
          benchmark: NAME,
          metric: 'submissions/s',
          value: Math.round(flooded.rps),
          unit: 'req/s',
          baseline: Math.round(quiet.rps),
        },
        {
          benchmark: NAME,
          metric: 'sign-ins answered 401 / 503 busy',
          value: answered('401'),
          unit: `/ ${answered('503')}`,
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await dropTestState(ctx);
  }
};

export default loginFloodBench;
