import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Redis from 'ioredis';
import {
  Api,
  createQueue,
  eventually,
  PrivateRedis,
  privateRedis,
  RunningServer,
  serverPerFile,
  sql,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let redis: PrivateRedis;
let server: RunningServer;
let admin: Api;

async function jobExists(itemId: string): Promise<boolean> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return (await client.exists(`${ctx.redisPrefix}:review-lossy:${itemId}`)) === 1;
  } finally {
    client.disconnect();
  }
}

serverPerFile(
  ctx,
  async (started) => {
    ({ server, admin } = started);
    await createQueue(admin, 'lossy');
  },
  {
    env: async () => {
      redis = await privateRedis();
      return { REDIS_URL: redis.url };
    },
  },
);
// Registered after serverPerFile, so it runs after it: the file's keys are dropped first.
after(() => redis?.stop());

describe('Redis is not the source of truth', () => {
  it('an item awaiting review gets a review job', async () => {
    const res = await admin.post('/v1/queues/lossy/items', submission());
    assert.equal(res.status, 201);
    // Pushed right after the commit, off the response path.
    await eventually(() => jobExists(res.body.id), 5_000, 50);
  });
  it('an item committed but never pushed (a crash between commit and push) gets its job from the sweeper', async () => {
    const res = await admin.post('/v1/queues/lossy/items', submission());
    // Pushed after the commit, then its outbox row is cleared.
    await eventually(
      async () =>
        (await sql(ctx, 'SELECT 1 FROM review_line_outbox WHERE item_id = $1', [res.body.id]))
          .length === 0 && (await jobExists(res.body.id)),
      5_000,
      50,
    );
    // What a crash right after the commit leaves behind: the row and its outbox entry, no job.
    const client = new Redis(redis.url);
    await client.del(`${ctx.redisPrefix}:review-lossy:${res.body.id}`);
    client.disconnect();
    // Checked before the outbox row exists: once it does, the sweeper (every second) may act at once.
    assert.equal(await jobExists(res.body.id), false);
    await sql(
      ctx,
      "INSERT INTO review_line_outbox (item_id, queued_at) VALUES ($1, now() - interval '1 minute')",
      [res.body.id],
    );
    await eventually(() => jobExists(res.body.id), 15_000, 250);
    await eventually(
      async () =>
        (await sql(ctx, 'SELECT 1 FROM review_line_outbox WHERE item_id = $1', [res.body.id]))
          .length === 0,
      5_000,
      100,
    );
  });
  it('after FLUSHALL the sweeper restores every waiting job from Postgres', async () => {
    const items = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        admin.post('/v1/queues/lossy/items', submission({ confidence: i % 2 ? 0.6 : 0.2 })),
      ),
    );
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    assert.equal(await jobExists(items[0].body.id), false);
    await eventually(
      async () => (await Promise.all(items.map((i) => jobExists(i.body.id)))).every(Boolean),
      30_000,
      250,
    );
  });
  it('with Redis down a submission is either stored durably (2xx) or refused with 503, and health says so', async () => {
    await redis.stop();
    const health = await new Api(server.url).get('/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.redis, 'down');
    assert.equal(health.body.checks.database, 'up');
    const res = await admin.post(
      '/v1/queues/lossy/items',
      submission({ externalId: 'while-redis-down' }),
    );
    assert.ok([201, 503].includes(res.status), `got ${res.status}`);
    const rows = await sql(ctx, "SELECT id FROM items WHERE external_id = 'while-redis-down'");
    if (res.status === 201) assert.equal(rows.length, 1, 'a 2xx is never lost');
    await redis.start();
    if (res.status === 201) await eventually(() => jobExists(res.body.id), 30_000, 250);
    await eventually(
      async () => (await new Api(server.url).get('/health')).status === 200,
      30_000,
      250,
    );
  });
});
