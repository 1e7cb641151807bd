/**
 * Outages and shutdown: with Redis gone the log stays readable (one line per dependency per
 * 10 s, one when it returns), sign-in still works, and SIGTERM still ends the process in time,
 * answering long-polls in flight first. Runs on a private redis-server so it can be killed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  adminApi,
  ADMIN,
  Api,
  createQueue,
  dropTestState,
  eventually,
  privateRedis,
  PrivateRedis,
  RunningServer,
  startServer,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
const GRACE_MS = 2_000;
let redis: PrivateRedis;
let server: RunningServer;
let admin: Api;

before(async () => {
  redis = await privateRedis();
  server = await startServer(ctx, {
    REDIS_URL: redis.url,
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    LOG_LEVEL: 'info',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  admin = await adminApi(server.url);
  await createQueue(admin, 'outage');
});

after(async () => {
  await server?.kill();
  await redis?.stop();
  await dropTestState(ctx);
});

const logLines = () =>
  server.logs
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '');

void describe('a Redis outage', () => {
  void it('logs one line per 10 s while Redis is down, no stack traces, and one when it returns', async () => {
    const before = logLines().length;
    await redis.stop();
    // Traffic during the outage: submissions (durable in Postgres), reads, health checks, sign-in.
    const deadline = Date.now() + 12_000;
    let signedIn = false;
    while (Date.now() < deadline) {
      const res = await admin.post('/v1/queues/outage/items', submission());
      assert.ok([201, 503].includes(res.status), `submission during outage: ${res.status}`);
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 503);
      if (!signedIn) {
        // The login limiter fails open: people can still sign in while Redis is away.
        const login = await new Api(server.url).post('/v1/auth/login', ADMIN);
        assert.equal(login.status, 200);
        signedIn = true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const during = logLines().slice(before);
    const outageLines = during.filter((l) => l.includes('"context":"Dependencies"'));
    assert.ok(
      outageLines.length >= 1 && outageLines.length <= 2,
      `outage lines in 12 s:\n${outageLines.join('\n')}`,
    );
    assert.ok(outageLines.every((l) => l.includes('redis unavailable')));
    const noise = during.filter(
      (l) =>
        !l.startsWith('{') ||
        (!l.includes('"context":"Dependencies"') && !l.includes('"msg":"request completed"')),
    );
    assert.deepEqual(noise, [], 'nothing but request lines and the outage lines');

    await redis.start();
    await eventually(
      async () => logLines().some((l) => l.includes('redis available again')),
      30_000,
    );
    assert.equal(logLines().filter((l) => l.includes('redis available again')).length, 1);
  });
});

void describe('SIGTERM with Redis unreachable', () => {
  void it('answers the long-poll in flight with the item, then exits within SHUTDOWN_GRACE_MS + 5 s', async () => {
    const item = await admin.post('/v1/queues/outage/items', submission({ confidence: 0.7 }));
    assert.equal(item.status, 201);
    await eventually(async () => (await fetch(`${server.url}/health`)).status === 200, 30_000);
    const longPoll = admin.get(`/v1/items/${item.body.id}?waitSeconds=60`);
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));

    const exited = once(server.process, 'exit');
    const started = Date.now();
    server.process.kill('SIGTERM');
    const answer = await longPoll;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.id, item.body.id);
    assert.equal(answer.body.status, item.body.status, 'the item as it is, not yet decided');
    await exited;
    const took = Date.now() - started;
    assert.ok(took < GRACE_MS + 5_000, `exited after ${took} ms`);
  });
});
