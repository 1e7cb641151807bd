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

const BLOCK = 0.2;
const FLAG = 0.6;

/** Submits one at a time, so queued times (and so hand-out order within a class) follow the list. */
async function submitInOrder(confidences: number[]): Promise<{ id: string; confidence: number }[]> {
  const items = [];
  for (const confidence of confidences) {
    const res = await admin.post('/v1/queues/lossy/items', submission({ confidence }));
    assert.equal(res.status, 201);
    items.push({ id: res.body.id as string, confidence });
    await new Promise((r) => setTimeout(r, 5));
  }
  return items;
}

/** Claims and approves until the queue answers 204; the ids in the order they were handed out. */
async function reviewAll(): Promise<string[]> {
  const handed: string[] = [];
  for (;;) {
    const claim = await admin.post('/v1/queues/lossy/claim');
    if (claim.status === 204) return handed;
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    handed.push(claim.body.item.id);
    const decision = await admin.post(`/v1/items/${claim.body.item.id}/decision`, {
      action: 'approve',
    });
    assert.equal(decision.status, 200);
  }
}

/** Blocked before flagged, older first within each: the contract's hand-out order. */
function handOutOrder(items: { id: string; confidence: number }[]): string[] {
  return [
    ...items.filter((i) => i.confidence === BLOCK),
    ...items.filter((i) => i.confidence === FLAG),
  ].map((i) => i.id);
}

describe('Redis is not the source of truth', () => {
  it('after FLUSHALL every waiting item is still handed out, in order, at once', async () => {
    const items = await submitInOrder(Array.from({ length: 10 }, (_, i) => (i % 3 ? FLAG : BLOCK)));
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
    // No repair to wait for: the review line is the items waiting in Postgres.
    assert.deepEqual(await reviewAll(), handOutOrder(items));
  });

  it('with Redis down a submission is either stored durably (2xx) or refused with 503, and every stored item is reviewed once it is back', async () => {
    const before = await submitInOrder([FLAG, BLOCK]);
    await redis.stop();
    const health = await new Api(server.url).get('/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.redis, 'down');
    assert.equal(health.body.checks.database, 'up');
    const res = await admin.post(
      '/v1/queues/lossy/items',
      submission({ externalId: 'while-redis-down', confidence: FLAG }),
    );
    assert.ok([201, 503].includes(res.status), `got ${res.status}`);
    const rows = await sql(ctx, "SELECT id FROM items WHERE external_id = 'while-redis-down'");
    if (res.status === 201) assert.equal(rows.length, 1, 'a 2xx is never lost');
    await redis.start();
    await eventually(
      async () => (await new Api(server.url).get('/health')).status === 200,
      30_000,
      250,
    );
    const expected = handOutOrder(before);
    if (res.status === 201) expected.push(res.body.id as string);
    assert.deepEqual(await reviewAll(), expected);
  });
});
