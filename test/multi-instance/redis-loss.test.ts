import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import Redis from 'ioredis';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  sql,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * Redis loses everything (FLUSHDB) while items wait and some are leased. FLUSHDB wipes a whole
 * Redis database, so this file runs its servers on a database index of its own (1–15, from the
 * pid) instead of the shared index 0 other test files use.
 */
const ctx = testContext(__filename);
const dbIndex = 1 + (process.pid % 15);
const redisUrl = `redis://127.0.0.1:6379/${dbIndex}`;
// The webhook receiver is on loopback, which the SSRF guard refuses unless told otherwise.
const env = { REDIS_URL: redisUrl, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
let a: RunningServer;
let b: RunningServer;
let admin: Api;
let product: Api;
let watcher: LiveClient;

// Registered first, so it runs first: the watcher's socket closes before the servers drain.
after(() => {
  watcher?.close();
});

serverPerFile(
  ctx,
  async (started) => {
    [a, b] = started.servers;
    admin = started.admin;
    await createQueue(admin, 'lossy');
    product = await apiKey(admin, ['lossy']);
  },
  { env, instances: 2 },
);

void describe('Redis loses its data', () => {
  void it('loses no item: waiting ones are claimable again within 30 s, leased ones are kept or returned', async () => {
    const batch = await product.post('/v1/queues/lossy/items/batch', {
      items: Array.from({ length: 12 }, (_, i) =>
        submission({ confidence: i % 3 ? 0.7 : 0.1, externalId: `loss-${i}` }),
      ),
    });
    const ids: string[] = batch.body.results.map((r: { id: string }) => r.id);
    assert.equal(ids.length, 12);
    const holder = await userApi(admin, ['reviewer'], ['lossy']);
    const held: string[] = [];
    for (let i = 0; i < 3; i++)
      held.push((await holder.post('/v1/queues/lossy/claim')).body.item.id);
    watcher = await connectLive(a.url, admin.token);
    assert.deepEqual(await watcher.subscribe('lossy'), { ok: true });

    const redis = new Redis(redisUrl);
    assert.equal(await redis.flushdb(), 'OK');
    redis.disconnect();
    const flushedAt = Date.now();

    // Every item that was waiting can be claimed again, on either instance, within 30 s.
    const reviewer = await userApi(admin, ['reviewer'], ['lossy']);
    const waiting = new Set(ids.filter((id) => !held.includes(id)));
    const reclaimed: string[] = [];
    while (reclaimed.length < waiting.size) {
      assert.ok(
        Date.now() - flushedAt < 30_000,
        `only ${reclaimed.length} of ${waiting.size} waiting items came back within 30 s`,
      );
      const claim = await new Api(reclaimed.length % 2 ? b.url : a.url, reviewer.token).post(
        '/v1/queues/lossy/claim',
      );
      if (claim.status === 204) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      assert.equal(claim.status, 200);
      reclaimed.push(claim.body.item.id);
      assert.equal(
        (await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, { action: 'approve' }))
          .status,
        200,
      );
    }
    assert.deepEqual(new Set(reclaimed), waiting);

    // Leases held through the loss: the holder still decides, or the item went back in line.
    for (const id of held) {
      const decision = await new Api(b.url, holder.token).post(`/v1/items/${id}/decision`, {
        action: 'approve',
      });
      if (decision.status === 409) {
        const again = await reviewer.post('/v1/queues/lossy/claim');
        assert.equal(again.status, 200);
        await reviewer.post(`/v1/items/${again.body.item.id}/decision`, { action: 'approve' });
      } else assert.equal(decision.status, 200);
    }
    const rows = await sql<{ status: string; n: string }>(
      ctx,
      `SELECT status, count(*) AS n FROM items GROUP BY status`,
    );
    assert.deepEqual(rows, [{ status: 'approved', n: '12' }]);

    // Live updates keep flowing across instances once Redis is back (the streams adapter resumes).
    const item = await new Api(b.url, product.token).post(
      '/v1/queues/lossy/items',
      submission({ confidence: 0.3 }),
    );
    assert.equal(item.status, 201);
    await watcher.waitFor('item.queued', (d) => d.id === item.body.id, 15_000);
    await eventually(async () => (await new Api(a.url).get('/health')).status === 200);
  });

  void it('still delivers a webhook whose retry was pending when Redis lost it', async () => {
    let calls = 0;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(++calls === 1 ? 503 : 200).end());
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    try {
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
      const item = await product.post(
        '/v1/queues/lossy/items',
        submission({ confidence: 0.99, callbackUrl: url }),
      );
      assert.equal(item.status, 201);
      await eventually(async () => calls >= 1, 20_000, 20);
      // The retry now waits in Redis (2 s backoff); wipe it.
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
      await eventually(async () => calls >= 2, 30_000, 200);
      const deliveries = await eventually(async () => {
        const res = await product.get(`/v1/items/${item.body.id}/deliveries`);
        return res.body.deliveries.some((d: { succeeded: boolean }) => d.succeeded)
          ? res.body.deliveries
          : undefined;
      }, 20_000);
      assert.equal(deliveries[0].succeeded, false);
      assert.equal(deliveries[0].statusCode, 503);
    } finally {
      receiver.close();
    }
  });
});
