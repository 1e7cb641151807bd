import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  REDIS_URL,
  RunningServer,
  serverPerFile,
  sql,
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
  submit,
} from './review-support';

const ctx = testContext(__filename);
let one: RunningServer;
let two: RunningServer;
let admin: Api;

serverPerFile(
  ctx,
  (started) => {
    [one, two] = started.servers;
    admin = started.admin;
  },
  { instances: 2 },
);

/** The same user, signed in on the other server. */
const on = (server: RunningServer, api: Api) => new Api(server.url, api.token);

void describe('two instances, one service', () => {
  void it('honours on one server a lease taken on the other', async () => {
    await createQueue(admin, 'shared');
    const key = await apiKey(admin, ['shared']);
    const item = await submit(key, 'shared', { confidence: FLAG });
    const reviewer = await userApi(admin, ['reviewer'], ['shared']);
    const other = await userApi(admin, ['reviewer'], ['shared']);
    const claimed = await claim(on(one, reviewer), 'shared');
    assert.equal(claimed.status, 200);
    assert.equal(
      (await claim(on(two, other), 'shared')).status,
      204,
      'the other server does not hand it out again',
    );
    assert.equal((await on(two, other).post(`/v1/items/${item.id}/lease`)).status, 409);
    assert.equal((await on(two, reviewer).post(`/v1/items/${item.id}/lease`)).status, 200);
    const decided = await decide(on(two, reviewer), item.id, { action: 'approve' });
    assert.equal(decided.status, 200);
    assert.equal(decided.body.status, 'approved');
    // A long-poll on the first server wakes for a decision made on the second.
    const item2 = await submit(key, 'shared', { confidence: FLAG });
    await claim(on(one, reviewer), 'shared');
    const waiting = on(one, admin).get(`/v1/items/${item2.id}?waitSeconds=20`);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    assert.equal(
      (await decide(on(two, reviewer), item2.id, { action: 'reject', reason: 'wrong' })).status,
      200,
    );
    const polled = await waiting;
    assert.equal(polled.body.status, 'rejected');
    assert.ok(Date.now() - started < 10_000, 'the long-poll was woken, not timed out');
  });

  void it('never gives one item to two of 8 reviewers racing across both servers', async () => {
    await createQueue(admin, 'race2');
    const key = await apiKey(admin, ['race2']);
    const batch = await key.post('/v1/queues/race2/items/batch', {
      items: Array.from({ length: 40 }, (_, i) => ({
        model: { name: 'm' },
        output: { i },
        confidence: FLAG,
      })),
    });
    assert.equal(batch.status, 200);
    const reviewers = await Promise.all(
      Array.from({ length: 8 }, () => userApi(admin, ['reviewer'], ['race2'])),
    );
    const got: string[] = [];
    await Promise.all(
      reviewers.map(async (r, n) => {
        const api = on(n % 2 ? one : two, r);
        for (;;) {
          const res = await claim(api, 'race2');
          if (res.status === 204) return;
          assert.equal(res.status, 200);
          got.push(res.body.item.id);
          // Half the reviewers decide at once, on the other server.
          if (n < 4)
            assert.equal(
              (await decide(on(n % 2 ? two : one, r), res.body.item.id, { action: 'approve' }))
                .status,
              200,
            );
        }
      }),
    );
    assert.equal(got.length, 40);
    assert.equal(new Set(got).size, 40);
  });

  // The claiming server plans the holder's decision from its own claim, without reading the
  // item again (items/claim-snapshots.ts): what the other server did since must still count.
  void it('decides on the claiming server from the item as it stands after the other server changed it', async () => {
    await createQueue(admin, 'stale', { leaseSeconds: 3 });
    const key = await apiKey(admin, ['stale']);
    const reviewer = await userApi(admin, ['reviewer'], ['stale']);

    // Released on the other server: the holder's late decision is refused, nothing is written.
    const released = await submit(key, 'stale', { confidence: FLAG });
    await claimItem(on(one, reviewer), 'stale');
    assert.equal((await on(two, reviewer).delete(`/v1/items/${released.id}/lease`)).status, 204);
    const late = await decide(on(one, reviewer), released.id, { action: 'approve' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    const after = await admin.get(`/v1/items/${released.id}`);
    assert.equal(after.body.status, 'pending');
    assert.equal((await events(admin, released.id)).filter((e) => e.type === 'decided').length, 0);
    await chainVerifies(admin, released.id);

    // Commented on the other server: the decision lands after the comment in the audit trail.
    const commented = await submit(key, 'stale', { confidence: FLAG });
    assert.equal((await claimItem(on(one, reviewer), 'stale')).id, commented.id);
    const comment = await on(two, reviewer).post(`/v1/items/${commented.id}/comments`, {
      body: 'checked the source',
    });
    assert.equal(comment.status, 201);
    const decided = await decide(on(one, reviewer), commented.id, { action: 'approve' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'approved');
    assert.deepEqual((await events(admin, commented.id)).map((e) => e.type).slice(-3), [
      'claimed',
      'commented',
      'decided',
    ]);
    await chainVerifies(admin, commented.id);

    // Extended on the other server: a decision after the first lease would have ended, within
    // the extended one, is the holder's and lands.
    const extended = await submit(key, 'stale', { confidence: FLAG });
    const claimedAt = Date.now();
    assert.equal((await claimItem(on(one, reviewer), 'stale')).id, extended.id);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await on(two, reviewer).post(`/v1/items/${extended.id}/lease`)).status, 200);
    await new Promise((r) => setTimeout(r, Math.max(0, claimedAt + 3_400 - Date.now())));
    const kept = await decide(on(one, reviewer), extended.id, { action: 'approve' });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.status, 'approved');
    // Times come from the database's clock: the decision is dated 3.4 s after the claim (less the
    // claim's own round trip), and not ahead of the database by more than a moment.
    const [row] = await sql<{ claimed: Date; decided: Date; now: Date }>(
      ctx,
      `SELECT (SELECT created_at FROM item_events WHERE item_id = $1 AND type = 'claimed') AS claimed,
              decided_at AS decided, now() AS now FROM items WHERE id = $1`,
      [extended.id],
    );
    assert.ok(row.decided.getTime() - row.claimed.getTime() >= 3_000);
    assert.ok(row.decided.getTime() <= row.now.getTime() + 500);
    await chainVerifies(admin, extended.id);
  });

  void it('keeps SLA timers when Redis loses its data', async () => {
    await createQueue(admin, 'sla-flush', {
      sla: { blockedSeconds: 3, onBlockedTimeout: 'reject', flaggedSeconds: null },
    });
    const key = await apiKey(admin, ['sla-flush']);
    const item = await submit(key, 'sla-flush', { confidence: BLOCK });
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${ctx.redisPrefix}:*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    const done = await eventually(async () => {
      const res = await admin.get(`/v1/items/${item.id}`);
      return res.body.status === 'rejected' && res.body;
    }, 20_000);
    assert.equal(done.decidedBy, 'timeout');
  });
});
