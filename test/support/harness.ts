/**
 * Test harness: every test file gets its own database and Redis key prefix and talks to real
 * Verdict server processes over HTTP, exactly as product systems and browsers do.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Client } from 'pg';
import Redis from 'ioredis';
import { createMigratedDatabase } from './template-database';

export const PG_ADMIN_URL =
  process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN = { email: 'admin@verdict.test', password: 'admin-password-1' };
const MAIN = join(__dirname, '..', '..', 'src', 'main.js');

export interface TestContext {
  name: string;
  database: string;
  databaseUrl: string;
  redisPrefix: string;
  /**
   * True (testContext's default): the database starts as a copy of the migrated template,
   * which saves the migrations on every boot. Absent or false: the first server (or in-process
   * app) creates and migrates it itself, the way a first deployment boots (and the way a kept
   * bench database is reused).
   */
  fromTemplate?: boolean;
}

/** A fresh database name and Redis prefix for one test file. */
export function testContext(file: string, options: { fromTemplate?: boolean } = {}): TestContext {
  const base = file
    .replace(/^.*[\\/]/, '')
    .replace(/\.test\.js$/, '')
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase();
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const database = `vt_${base}_${suffix}`.slice(0, 60);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return {
    name: base,
    database,
    databaseUrl: url.toString(),
    redisPrefix: `vt-${base}-${suffix}`,
    fromTemplate: options.fromTemplate ?? true,
  };
}

const databasesMade = new Map<string, Promise<void>>();

/**
 * Creates the file's database from the migrated template once (servers started together on
 * one context share the one copy); does nothing for a context not made from the template.
 */
export function prepareTestDatabase(ctx: TestContext): Promise<void> {
  if (!ctx.fromTemplate) return Promise.resolve();
  let made = databasesMade.get(ctx.database);
  if (!made) {
    made = createMigratedDatabase(PG_ADMIN_URL, ctx.database);
    databasesMade.set(ctx.database, made);
    // A failed copy is not remembered, so a later start tries again (and reports its own error).
    made.catch(() => databasesMade.delete(ctx.database));
  }
  return made;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  logs: string[];
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/**
 * Every server process this test file started and that still runs: `serverPerFile` stops them
 * all after the tests, including one a test restarted itself (a live child would keep the test
 * process, and so the whole run, from ever ending).
 */
const running = new Set<ChildProcess>();

export async function startServer(
  ctx: TestContext,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  await prepareTestDatabase(ctx);
  const port = await freePort();
  const logs: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: ctx.redisPrefix,
      JWT_SECRET: 'test-secret-0123456789abcdef-0123456789',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      SWEEP_INTERVAL_MS: '1000',
      // V8's code cache on disk: most of a boot is loading modules, and every server loads the
      // same ones. Keyed by file contents, so a rebuild is never served stale code.
      NODE_COMPILE_CACHE:
        process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'verdict-test-compile-cache'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    logs.push(chunk.toString());
    if (logs.length > 2000) logs.shift();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = once(child, 'exit');
  running.add(child);
  void exited.then(() => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${logs.join('')}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    logs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    async kill() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Drops the file's database and its Redis keys (on `redisUrl`, where its servers kept them). */
export async function dropTestState(ctx: TestContext, redisUrl = REDIS_URL): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${ctx.database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  databasesMade.delete(ctx.database);
  await dropRedisKeys(ctx, redisUrl);
}

/** Deletes every key under the file's Redis prefix (on `redisUrl`), as losing Redis would. */
export async function dropRedisKeys(ctx: TestContext, redisUrl = REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
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

export interface ServersStarted {
  /** The first server (the only one unless `instances` asked for more). */
  server: RunningServer;
  /** Every server, in start order, all on the file's database and Redis prefix. */
  servers: RunningServer[];
  /** The seeded admin, signed in on the first server. */
  admin: Api;
  /**
   * Starts server `index` (default 0) again with the same env, after a test killed or stopped
   * it, in its place in `servers`: the file's after hook stops the new one.
   */
  restart(index?: number): Promise<RunningServer>;
}

export interface ServerPerFileOptions {
  /**
   * Extra environment for every server (a REDIS_URL here is also where the keys are dropped).
   * A function is called (and awaited) in `before`, ahead of the first start: the place to
   * start what the env names (a receiver, a private Redis). Not a `before` of its own: at a
   * file's top level node:test runs `before` hooks side by side, not one after another.
   */
  env?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** How many server processes share the file's state (default 1), started one after another. */
  instances?: number;
}

/**
 * The end-to-end tier's per-file setup: the file's server(s) on its private database and Redis
 * prefix, started (then `onStart` with an admin API, for the queues, keys and people the tests
 * share) before the tests, stopped and their state dropped after them.
 */
export function serverPerFile(
  ctx: TestContext,
  onStart: (started: ServersStarted) => Promise<void> | void = () => {},
  options: ServerPerFileOptions = {},
): void {
  let env: Record<string, string> = {};
  const servers: RunningServer[] = [];
  before(async () => {
    env = typeof options.env === 'function' ? await options.env() : (options.env ?? {});
    for (let i = 0; i < (options.instances ?? 1); i++) servers.push(await startServer(ctx, env));
    const restart = async (index = 0) => (servers[index] = await startServer(ctx, env));
    await onStart({ server: servers[0], servers, admin: await adminApi(servers[0].url), restart });
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(
      [...running].map(async (child) => {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await dropTestState(ctx, env.REDIS_URL);
  });
}

/** Direct SQL against the test database, for assertions about what was stored. */
export async function sql<T = Record<string, unknown>>(
  ctx: TestContext,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client bound to one server and (optionally) one bearer token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string): Api {
    return new Api(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.token) (init.headers as Record<string, string>).authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON; keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export async function login(baseUrl: string, email: string, password: string): Promise<Api> {
  const res = await new Api(baseUrl).post('/v1/auth/login', { email, password });
  if (res.status !== 200)
    throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return new Api(baseUrl, res.body.accessToken);
}

export const adminApi = (baseUrl: string) => login(baseUrl, ADMIN.email, ADMIN.password);

/** Creates a user with the given roles and returns an Api signed in as them. */
export async function userApi(
  admin: Api,
  roles: string[],
  queues: string[] = [],
  name = `u${Math.random().toString(36).slice(2, 8)}`,
) {
  const email = `${name}@verdict.test`;
  const res = await admin.post('/v1/users', {
    email,
    name,
    password: 'password-123',
    roles,
    queues,
  });
  if (res.status !== 201)
    throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
  const api = await login(admin.baseUrl, email, 'password-123');
  return Object.assign(api, { user: res.body as { id: string; email: string } });
}

export async function createQueue(admin: Api, slug: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post('/v1/queues', { slug, name: slug, ...extra });
  if (res.status !== 201)
    throw new Error(`create queue failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { slug: string; webhookSecret: string; [k: string]: unknown };
}

export async function apiKey(
  admin: Api,
  queues: string[],
  scopes = ['items:write', 'items:read'],
): Promise<Api> {
  const res = await admin.post('/v1/api-keys', { name: 'test key', queues, scopes });
  if (res.status !== 201)
    throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return admin.as(res.body.key);
}

export function submission(overrides: Record<string, unknown> = {}) {
  return {
    model: { name: 'support-llm', version: '2026-10-01' },
    input: { messages: [{ role: 'user', content: 'Where is my refund?' }] },
    output: { reply: 'Your refund was sent on Monday.' },
    confidence: 0.73,
    metadata: { amount: 40 },
    ...overrides,
  };
}

/** Submits an item through `key` (an API key) and expects it accepted. */
export async function submit(key: Api, slug: string, overrides: Record<string, unknown> = {}) {
  const res = await key.post(`/v1/queues/${slug}/items`, submission(overrides));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; status: string; [k: string]: any };
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server of the test's own (no persistence), so a test can kill or flush it freely. */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await eventually(
      async () => {
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        }
      },
      10_000,
      50,
    );
    probe.disconnect();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      if (child && child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
