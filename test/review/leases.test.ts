import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  REDIS_URL,
  testContext,
  userApi,
} from '../support/harness';
import {
  BLOCK,
  chainVerifies,
  claim,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
} from './review-support';

const ctx = testContext(__filename);
let admin: Api;
serverPerFile(ctx, (started) => {
  admin = started.admin;
});

void describe('leases', () => {
  void it('lets the holder extend and release; anyone else gets 409', async () => {
    await createQueue(admin, 'hold', { leaseSeconds: 60 });
    const key = await apiKey(admin, ['hold']);
    const item = await submit(key, 'hold', { confidence: FLAG });
    const holder = await userApi(admin, ['reviewer'], ['hold']);
    const other = await userApi(admin, ['reviewer'], ['hold']);
    const claimed = await claim(holder, 'hold');
    const firstExpiry = Date.parse(claimed.body.lease.expiresAt);
    assert.ok(firstExpiry - Date.now() > 50_000 && firstExpiry - Date.now() <= 61_000);

    await new Promise((r) => setTimeout(r, 1100));
    const extended = await holder.post(`/v1/items/${item.id}/lease`);
    assert.equal(extended.status, 200);
    assert.ok(
      Date.parse(extended.body.expiresAt) > firstExpiry,
      'the lease runs longer after extending',
    );

    assert.equal((await other.post(`/v1/items/${item.id}/lease`)).status, 409);
    assert.equal((await other.delete(`/v1/items/${item.id}/lease`)).status, 409);
    assert.equal((await decide(other, item.id, { action: 'approve' })).status, 409);
    assert.equal(
      (await claim(other, 'hold')).status,
      204,
      'a held item is not handed to anyone else',
    );

    assert.equal((await holder.delete(`/v1/items/${item.id}/lease`)).status, 204);
    assert.equal(
      (await holder.delete(`/v1/items/${item.id}/lease`)).status,
      409,
      'no lease left to release',
    );
    assert.equal((await holder.post(`/v1/items/${item.id}/lease`)).status, 409);
    const after = await admin.get(`/v1/items/${item.id}`);
    assert.equal(after.body.status, 'pending');
    assert.equal((await claimItem(other, 'hold')).id, item.id);

    const unknown = await holder.post('/v1/items/00000000-0000-4000-8000-000000000000/lease');
    assert.equal(unknown.status, 404);
  });

  void it('returns an item whose lease was not extended, and refuses the late decision', async () => {
    await createQueue(admin, 'lapse', { leaseSeconds: 1 });
    const key = await apiKey(admin, ['lapse']);
    const item = await submit(key, 'lapse', { confidence: BLOCK });
    const slow = await userApi(admin, ['reviewer'], ['lapse']);
    const next = await userApi(admin, ['reviewer'], ['lapse']);
    assert.equal((await claimItem(slow, 'lapse')).id, item.id);
    await eventually(
      async () => (await admin.get(`/v1/items/${item.id}`)).body.status === 'pending',
      15_000,
    );
    const late = await decide(slow, item.id, { action: 'approve' });
    assert.equal(late.status, 409);
    assert.equal((await slow.post(`/v1/items/${item.id}/lease`)).status, 409);
    assert.equal((await claimItem(next, 'lapse')).id, item.id);
    const expired = (await events(admin, item.id)).find((e) => e.type === 'lease_expired');
    assert.ok(expired, 'the lapse is in the audit trail');
    assert.equal(expired.actor, 'system');
    assert.equal(expired.details.holder, `user:${slow.user.id}`);
    await chainVerifies(admin, item.id);
  });

  void it('still expires leases after Redis lost its data (Postgres sweep)', async () => {
    await createQueue(admin, 'flushed', { leaseSeconds: 2 });
    const key = await apiKey(admin, ['flushed']);
    const item = await submit(key, 'flushed', { confidence: FLAG });
    const r = await userApi(admin, ['reviewer'], ['flushed']);
    assert.equal((await claimItem(r, 'flushed')).id, item.id);
    // Drop every key of this server, as a Redis restart would: the lease needs none of them.
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [nextCursor, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${ctx.redisPrefix}:*`,
          'COUNT',
          1000,
        );
        cursor = nextCursor;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    await eventually(
      async () => (await admin.get(`/v1/items/${item.id}`)).body.status === 'pending',
      20_000,
    );
    assert.equal((await decide(r, item.id, { action: 'approve' })).status, 409);
  });

  void it('of two decisions sent at once, exactly one wins', async () => {
    await createQueue(admin, 'twin');
    const key = await apiKey(admin, ['twin']);
    const item = await submit(key, 'twin', { confidence: FLAG });
    const r = await userApi(admin, ['reviewer'], ['twin']);
    await claimItem(r, 'twin');
    const results = await Promise.all([
      decide(r, item.id, { action: 'approve' }),
      decide(r, item.id, { action: 'reject', reason: 'wrong date' }),
    ]);
    assert.deepEqual(results.map((x) => x.status).sort(), [200, 409]);
    const winner = results.find((x) => x.status === 200)!;
    const stored = await admin.get(`/v1/items/${item.id}`);
    assert.equal(stored.body.status, winner.body.status);
    assert.equal(stored.body.reviews.length, 1, 'one review stored');
    const again = await decide(r, item.id, { action: 'approve' });
    assert.equal(again.status, 409, 'already final');
  });
});
