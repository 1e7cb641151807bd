/**
 * Shared pieces of the benchmarks: percentiles, the server's CPU time from /proc, the machine's
 * load average (recorded beside every figure: the machine is shared), an open-loop request
 * driver, and the naive baseline (measured once per `npm run bench` process and reused by every
 * benchmark that compares against it).
 */
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, type TestContext } from '../test/support/harness';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sortNumbers = (values: number[]) => [...values].sort((a, b) => a - b);

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    // Fields after the "(comm)" part: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The 1-minute load average, as text for the table ("load 3.2"). */
export const load1 = () => `load ${round1(loadavg()[0])}`;

export interface Load {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  failed: number;
  /** Server CPU per request during the measured window, in µs (when given the server's pid). */
  cpuPerRequestUs: number;
  /** Postgres CPU per request during the measured window, in µs (every postgres process). */
  postgresPerRequestUs: number;
}

export const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

/** autocannon, closed loop: `connections` clients each sending the next request on the answer. */
export async function closedLoop(
  url: string,
  headers: Record<string, string>,
  body: string,
  pid?: number,
  /** Called between the warm-up and the measured run (e.g. to start a profiler). */
  beforeMeasuring?: () => unknown,
  connections = CONNECTIONS,
  seconds = SECONDS,
): Promise<Load> {
  // A short warm-up so JIT and connection pools are hot before measuring.
  await autocannon({ url, method: 'POST', headers, body, connections, duration: 2 });
  await beforeMeasuring?.();
  const cpuBefore = cpuSeconds(pid);
  const pgBefore = postgresCpu();
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
    cpuPerRequestUs: ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.requests.total),
    postgresPerRequestUs: (postgresCpuSince(pgBefore) * 1e6) / Math.max(1, result.requests.total),
  };
}

export interface OpenLoopResult {
  /** Latency of each request from its scheduled start (so a stall delays the ones behind it). */
  latencies: number[];
  failed: number;
  seconds: number;
}

/**
 * Open loop: request i is due at start + i / rate whatever happened to the earlier ones, over
 * keep-alive connections (opened as needed), so server stalls show up as latency instead of a
 * lower send rate. Latency counts from the due time.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  send: (agent: Agent, i: number) => Promise<number>,
): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let failed = 0;
  const total = Math.round(rate * seconds);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      send(agent, i).then(
        (status) => {
          if (status >= 300) failed++;
          else latencies.push(performance.now() - due);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, failed, seconds: elapsed };
}

/** One HTTP request over `agent`; resolves with the status once the body has been read. */
export function httpStatus(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One HTTP request over `agent`; resolves with the status and the body parsed as JSON. */
export function httpJson(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * CPU ticks used so far by each process named `postgres` (the server and all its backends,
 * background workers included), by pid, from /proc; empty where /proc is missing.
 */
export function postgresCpu(): Map<string, number> {
  const ticks = new Map<string, number>();
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return ticks;
  }
  for (const pid of dirs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1].split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // exited meanwhile
    }
  }
  return ticks;
}

/**
 * Postgres CPU seconds since `before` (a postgresCpu() snapshot), process by process: a backend
 * that started meanwhile counts whole, one that exited meanwhile takes only its time in the window
 * with it. (Subtracting two sums instead, an autovacuum worker or a seeding connection that
 * exited inside the window took its whole life's CPU off the figure.) NaN without /proc.
 */
export function postgresCpuSince(before: Map<string, number>): number {
  const after = postgresCpu();
  if (after.size === 0) return NaN;
  let ticks = 0;
  for (const [pid, used] of after) ticks += used - (before.get(pid) ?? 0);
  return ticks / 100;
}

/** CPU seconds this process (the load generator) has used so far. */
export const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** The baseline's figures: its closed-loop load and, when asked, its open-loop latencies. */
export type BaselineLoad = Load & {
  load: string;
  /** The same open loop as Verdict's, right after the closed loop (as in the ingestion bench). */
  open?: { p50: number; p99: number; failed: number; load: string };
};

/** An open loop at `rate` per second for `seconds`, run after the closed loop. */
export interface BaselineOpenLoop {
  rate: number;
  seconds: number;
}

let baseline: Promise<BaselineLoad> | undefined;

/**
 * The naive baseline: a bare node:http server doing one INSERT per request (bench/baseline-server)
 * under the same 32-connection load. Measured once per process and shared, unless `fresh`: then
 * measured now, for a comparison that must be taken back to back with its figure (the review
 * benchmark's: the development machine's speed drifts by up to a third within minutes).
 * `databaseUrl` must hold a migrated schema and `queueId` a queue in it (the inserted rows only
 * need a valid queue).
 *
 * With `openLoop`, the baseline then takes the open loop Verdict took after its own closed loop:
 * same rate, same duration, same moment after a write burst. Its p99 is the machine's floor for
 * that figure (a stall of the whole machine delays both; see docs/benchmarks.md, session 10).
 */
export function naiveBaseline(
  databaseUrl: string,
  queueId: string,
  port: number,
  body: string,
  { fresh = false, openLoop }: { fresh?: boolean; openLoop?: BaselineOpenLoop } = {},
): Promise<BaselineLoad> {
  if (fresh) return measureBaseline(databaseUrl, queueId, port, body, openLoop);
  baseline ??= measureBaseline(databaseUrl, queueId, port, body, openLoop);
  return baseline;
}

function measureBaseline(
  databaseUrl: string,
  queueId: string,
  port: number,
  body: string,
  openLoopRun?: BaselineOpenLoop,
): Promise<BaselineLoad> {
  return (async () => {
    const server = fork(join(__dirname, 'baseline-server.js'), [], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), QUEUE_ID: queueId },
    });
    await once(server, 'message');
    try {
      const url = `http://127.0.0.1:${port}/`;
      const headers = { 'content-type': 'application/json' };
      // With its pid: the baseline's own CPU per request, which the review benchmark compares
      // the cycle's CPU with (steadier across machine states than requests/s, see benchmarks.md).
      const result = await closedLoop(url, headers, body, server.pid);
      const closedLoad = load1();
      if (!openLoopRun) return { ...result, load: closedLoad };
      const open = await openLoop(openLoopRun.rate, openLoopRun.seconds, (agent) =>
        httpStatus(agent, url, 'POST', headers, body),
      );
      const sorted = sortNumbers(open.latencies);
      return {
        ...result,
        load: closedLoad,
        open: {
          p50: round1(percentile(sorted, 50)),
          p99: round1(percentile(sorted, 99)),
          failed: open.failed,
          load: load1(),
        },
      };
    } finally {
      server.kill();
    }
  })();
}

/**
 * A V8 CPU profile of another Node process over its inspector (started with --inspect=<port>):
 * `start()` begins sampling, `stop()` returns the profile (the .cpuprofile JSON). Only the window
 * between the two is profiled, not the server's start-up.
 */
export async function inspectorProfiler(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.onmessage = (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  return {
    start: () => send('Profiler.start'),
    async stop(): Promise<unknown> {
      const result = (await send('Profiler.stop')) as { profile: unknown };
      ws.close();
      return result.profile;
    },
  };
}

/** A kept bench database (seeded once, reused by later runs) with this run's own Redis prefix. */
export function keptBenchContext(name: string): TestContext {
  const database = `verdict_bench_${name}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    name: `bench_${name}`,
    database,
    databaseUrl: url.toString(),
    redisPrefix: `vb-${name}-${process.pid}`,
  };
}

/** One pg connection for `fn`, always closed. */
export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
