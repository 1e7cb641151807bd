import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  Api,
  adminApi,
  createQueue,
  dropTestState,
  sql,
  startServer,
  submission,
  testContext,
} from '../support/harness';

const MAIN = join(__dirname, '..', '..', 'src', 'main.js');
const contexts: ReturnType<typeof testContext>[] = [];
function freshContext() {
  // Boot's own tests start from nothing: creating the database and migrating it is the subject.
  const ctx = testContext(`${__filename.replace(/\.test\.js$/, '')}${contexts.length}.test.js`, {
    fromTemplate: false,
  });
  contexts.push(ctx);
  return ctx;
}
after(async () => {
  for (const ctx of contexts) await dropTestState(ctx);
});

/**
 * Starts main.js with `role` on the test's database, sends SIGTERM `delayMs` after it says it
 * started (`during` runs before that), and returns its exit code and output.
 */
async function stopOnceStarted(
  ctx: ReturnType<typeof testContext>,
  role: 'worker' | 'all',
  port: number,
  delayMs: number,
  during?: () => Promise<unknown>,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      APP_ROLE: role,
      PORT: String(port),
      DATABASE_URL: ctx.databaseUrl,
      REDIS_PREFIX: ctx.redisPrefix,
      JWT_SECRET: 'test-secret-0123456789abcdef',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  let out = '';
  const started = new Promise<void>((resolve) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      if (/worker started|listening on port/.test(out)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref());
  await Promise.race([started, timeout, exited]);
  await during?.();
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGTERM');
  const [code] = await exited;
  return { code, out };
}

async function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('configuration', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a malformed DATABASE_URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [
      'a REDIS_URL of the wrong kind',
      { REDIS_URL: 'http://127.0.0.1:6379' },
      /REDIS_URL must use redis:/,
    ],
    ['a non-numeric PORT', { PORT: 'eighty' }, /PORT must be a whole number/],
    ['an unknown APP_ROLE', { APP_ROLE: 'both' }, /APP_ROLE must be api, worker or all/],
    [
      'a short JWT_SECRET in production',
      { NODE_ENV: 'production', JWT_SECRET: 'only-twenty-chars-xx' },
      /JWT_SECRET must be at least 32 characters in production/,
    ],
    [
      'a short AUDIT_KEY in production',
      { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'short' },
      /AUDIT_KEY must be at least 32 characters in production/,
    ],
    [
      'a WEBHOOK_ALLOW_PRIVATE_NETWORKS that is not a boolean',
      { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe' },
      /WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false/,
    ],
    [
      'ADMIN_EMAIL without ADMIN_PASSWORD',
      { ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: '' },
      /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/,
    ],
  ];
  for (const [name, env, pattern] of cases) {
    it(`stops with one clear line for ${name}`, async () => {
      const { code, stderr } = await runMain({
        JWT_SECRET: 'test-secret-0123456789abcdef',
        ...env,
      });
      assert.equal(code, 1);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], pattern);
    });
  }
});

describe('boot', () => {
  it('creates the database, migrates and seeds one admin even when two instances boot at once', async () => {
    const ctx = freshContext();
    const started = await Promise.allSettled([startServer(ctx), startServer(ctx)]);
    const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (running.length < 2) {
      await Promise.all(running.map((s) => s.stop()));
      assert.fail(
        `both instances should boot: ${started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'ok')).join(' | ')}`,
      );
    }
    const [a, b] = running;
    try {
      const admins = await sql(ctx, "SELECT email FROM users WHERE 'admin' = ANY(roles)");
      assert.equal(admins.length, 1);
      const migrations = await sql(ctx, 'SELECT name FROM migrations');
      assert.ok(migrations.length >= 1);
      assert.equal(
        new Set(migrations.map((m) => m.name)).size,
        migrations.length,
        'each migration ran once',
      );
      const admin = await adminApi(a.url);
      await createQueue(admin, 'shared');
      const created = await admin.post('/v1/queues/shared/items', submission());
      const other = await adminApi(b.url);
      assert.equal((await other.get(`/v1/items/${created.body.id}`)).status, 200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
  it('a restart keeps the data and does not seed again', async () => {
    const ctx = freshContext();
    const first = await startServer(ctx);
    await first.stop();
    const second = await startServer(ctx, {
      ADMIN_EMAIL: 'other@verdict.test',
      ADMIN_PASSWORD: 'other-password',
    });
    try {
      const users = await sql(ctx, 'SELECT email FROM users');
      assert.deepEqual(
        users.map((u) => u.email),
        ['admin@verdict.test'],
      );
    } finally {
      await second.stop();
    }
  });
  it('APP_ROLE=worker serves no HTTP; APP_ROLE=api serves it', async () => {
    const ctx = freshContext();
    const api = await startServer(ctx, { APP_ROLE: 'api' });
    try {
      assert.equal((await new Api(api.url).get('/health')).status, 200);
      const { code, out } = await stopOnceStarted(ctx, 'worker', api.port + 1, 100, async () =>
        assert.rejects(fetch(`http://127.0.0.1:${api.port + 1}/health`)),
      );
      assert.match(out, /worker started/);
      assert.equal(code, 0, out);
    } finally {
      await api.stop();
    }
  });
  it('exits 0 when stopped the moment it has started, as a worker and as a whole server', async () => {
    // SIGTERM before Redis answered the live adapter's SUBSCRIBE once crashed the process (1).
    const ctx = freshContext();
    const api = await startServer(ctx, { APP_ROLE: 'api' });
    try {
      for (let run = 0; run < 4; run++)
        for (const role of ['worker', 'all'] as const) {
          const { code, out } = await stopOnceStarted(ctx, role, api.port + 1, 0);
          assert.equal(code, 0, `${role}, run ${run + 1}:\n${out}`);
        }
    } finally {
      await api.stop();
    }
  });
  it('SIGTERM lets an in-flight request finish, then exits cleanly', async () => {
    const ctx = freshContext();
    const server = await startServer(ctx);
    const admin = await adminApi(server.url);
    await createQueue(admin, 'drain');
    const created = await admin.post('/v1/queues/drain/items', submission());
    const held = admin.get(`/v1/items/${created.body.id}?waitSeconds=2`);
    await new Promise((r) => setTimeout(r, 300));
    const exited = once(server.process, 'exit');
    server.process.kill('SIGTERM');
    const res = await held;
    assert.equal(res.status, 200);
    assert.equal(res.body.id, created.body.id);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  });
});

describe('lenient where the contract is silent', () => {
  it('starts with a short JWT_SECRET and ADMIN_PASSWORD, warning once each, and accepts a TLD-less admin email', async () => {
    const ctx = freshContext();
    const server = await startServer(ctx, {
      JWT_SECRET: 'secret',
      ADMIN_EMAIL: 'root@localhost',
      ADMIN_PASSWORD: 'pw',
    });
    try {
      const logs = server.logs.join('');
      assert.match(logs, /warning: JWT_SECRET is shorter than 32 characters/);
      assert.match(logs, /warning: ADMIN_PASSWORD is shorter than 8 characters/);
      const res = await new Api(server.url).post('/v1/auth/login', {
        email: 'root@localhost',
        password: 'pw',
      });
      assert.equal(res.status, 200);
    } finally {
      await server.stop();
    }
  });
});
