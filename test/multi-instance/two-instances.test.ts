import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  REDIS_URL,
  createQueue,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import Redis from 'ioredis';
import { connectLive, LiveClient } from '../support/live-client';

/** Two servers on one database and one Redis act as one service. */
const ctx = testContext(__filename);
let a: RunningServer;
let b: RunningServer;
let adminA: Api;
let productA: Api;
let productB: Api;
const clients: LiveClient[] = [];

/** The same signed-in user, talking to the other instance. */
const on = (api: Api, server: RunningServer) => new Api(server.url, api.token);

// Registered first, so it runs first: the sockets close before the servers drain.
after(() => {
  for (const c of clients) c.close();
});

serverPerFile(
  ctx,
  async (started) => {
    [a, b] = started.servers;
    adminA = started.admin;
    await createQueue(adminA, 'pair');
    await createQueue(adminA, 'race');
    productA = await apiKey(adminA, ['pair', 'race']);
    productB = on(productA, b);
  },
  { instances: 2 },
);

void describe('two instances', () => {
  void it('honour on one instance a claim made on the other', async () => {
    const item = await productA.post('/v1/queues/pair/items', submission({ confidence: 0.1 }));
    const holder = await userApi(adminA, ['reviewer'], ['pair']);
    const other = await userApi(adminA, ['reviewer'], ['pair']);
    const claim = await holder.post('/v1/queues/pair/claim');
    assert.equal(claim.status, 200);
    assert.equal(claim.body.item.id, item.body.id);

    assert.equal(
      (await on(other, b).post('/v1/queues/pair/claim')).status,
      204,
      'the only item is leased',
    );
    assert.equal(
      (await on(other, b).post(`/v1/items/${item.body.id}/decision`, { action: 'approve' })).status,
      409,
    );
    assert.equal((await on(other, b).post(`/v1/items/${item.body.id}/lease`)).status, 409);
    assert.equal((await on(holder, b).post(`/v1/items/${item.body.id}/lease`)).status, 200);
    const decided = await on(holder, b).post(`/v1/items/${item.body.id}/decision`, {
      action: 'approve',
    });
    assert.equal(decided.status, 200);
    assert.equal(decided.body.status, 'approved');
    assert.equal((await productA.get(`/v1/items/${item.body.id}`)).body.status, 'approved');
  });

  void it('deliver socket events caused on the other instance', async () => {
    const watcher = await connectLive(b.url, adminA.token);
    clients.push(watcher);
    assert.deepEqual(await watcher.subscribe('pair'), { ok: true });
    const item = await productA.post('/v1/queues/pair/items', submission({ confidence: 0.2 }));
    const queued = await watcher.waitFor('item.queued', (d) => d.id === item.body.id);
    assert.equal(queued.routing, 'block');

    const lead = await userApi(adminA, ['lead']);
    const claim = await lead.post('/v1/queues/pair/claim');
    assert.equal(claim.body.item.id, item.body.id);
    await watcher.waitFor('item.claimed', (d) => d.id === item.body.id);
    await lead.post(`/v1/items/${item.body.id}/decision`, { action: 'reject', reason: 'made up' });
    const decided = await watcher.waitFor('item.decided', (d) => d.id === item.body.id);
    assert.equal(decided.status, 'rejected');
    await watcher.waitFor(
      'queue.stats',
      (s) => s.queue === 'pair' && s.pending === 0 && s.inReview === 0,
    );
  });

  void it("deliver a batch's item events on both instances, one per item, in order", async () => {
    await createQueue(adminA, 'fanout');
    const product = await apiKey(adminA, ['fanout']);
    const here = await connectLive(a.url, adminA.token);
    const there = await connectLive(b.url, adminA.token);
    clients.push(here, there);
    assert.deepEqual(await here.subscribe('fanout'), { ok: true });
    assert.deepEqual(await there.subscribe('fanout'), { ok: true });
    // Alternating: blocked (queued) and auto-approved (decided) items.
    const batch = await product.post('/v1/queues/fanout/items/batch', {
      items: Array.from({ length: 40 }, (_, i) => submission({ confidence: i % 2 ? 0.99 : 0.1 })),
    });
    assert.equal(batch.status, 200);
    const ids = (batch.body.results as { id: string }[]).map((i) => i.id);
    for (const watcher of [here, there]) {
      await watcher.waitFor('item.decided', (d) => d.id === ids[39]);
      const seen = watcher.received
        .filter((r) => r.event === 'item.queued' || r.event === 'item.decided')
        .map((r) => `${r.event} ${r.data.id}`);
      assert.deepEqual(
        seen,
        ids.map((id, i) => `${i % 2 ? 'item.decided' : 'item.queued'} ${id}`),
      );
    }
    // Each instance counts for its own subscribers, the other one too: 20 blocked items wait.
    for (const watcher of [here, there])
      await watcher.waitFor('queue.stats', (st) => st.queue === 'fanout' && st.pending === 20);
    // A single event after the batch still comes after it, on the other instance too.
    const lead = await userApi(adminA, ['lead']);
    const claim = await on(lead, b).post('/v1/queues/fanout/claim');
    const claimed = claim.body.item.id as string;
    assert.ok(ids.indexOf(claimed) % 2 === 0, 'a blocked item of the batch');
    await here.waitFor('item.claimed', (d) => d.id === claimed);
    const order = here.received.map((r) => `${r.event} ${r.data.id}`);
    assert.ok(order.indexOf(`item.claimed ${claimed}`) > order.indexOf(`item.queued ${claimed}`));
  });

  void it('deliver the claims and decisions of many reviewers at once on the other instance, each item in order', async () => {
    // Events answered in the same turn of the event loop travel as one stream message; an
    // event of another kind sent right after them (a comment) must still come after them.
    await createQueue(adminA, 'crowd');
    const product = await apiKey(adminA, ['crowd']);
    const there = await connectLive(b.url, adminA.token);
    clients.push(there);
    assert.deepEqual(await there.subscribe('crowd'), { ok: true });
    const batch = await product.post('/v1/queues/crowd/items/batch', {
      items: Array.from({ length: 24 }, () => submission({ confidence: 0.5 })),
    });
    assert.equal(batch.status, 200);
    const reviewers = await Promise.all(
      Array.from({ length: 8 }, () => userApi(adminA, ['reviewer'], ['crowd'])),
    );
    const decided: string[] = [];
    await Promise.all(
      reviewers.map(async (reviewer) => {
        for (let round = 0; round < 3; round++) {
          const claim = await reviewer.post('/v1/queues/crowd/claim');
          assert.equal(claim.status, 200, JSON.stringify(claim.body));
          const id = claim.body.item.id as string;
          const decision = await reviewer.post(`/v1/items/${id}/decision`, { action: 'approve' });
          assert.equal(decision.status, 200, JSON.stringify(decision.body));
          decided.push(id);
        }
      }),
    );
    const last = decided[decided.length - 1];
    const comment = await reviewers[0].post(`/v1/items/${last}/comments`, { body: 'after all' });
    assert.equal(comment.status, 201);
    await there.waitFor('item.commented', (d) => d.itemId === last);
    const order = there.received.map((r) => `${r.event} ${(r.data.id ?? r.data.itemId) as string}`);
    for (const id of decided) {
      const claimed = order.indexOf(`item.claimed ${id}`);
      const done = order.indexOf(`item.decided ${id}`);
      assert.ok(claimed >= 0 && done > claimed, `claimed then decided: ${id}`);
    }
    const commented = order.findIndex((e) => e.startsWith('item.commented'));
    assert.ok(commented > order.indexOf(`item.decided ${last}`), order.join(', '));
  });

  void it('skip malformed batch messages from the stream and keep delivering', async () => {
    const watcher = await connectLive(b.url, adminA.token);
    clients.push(watcher);
    assert.deepEqual(await watcher.subscribe('pair'), { ok: true });
    // Another "instance" writes junk batches where the adapter reads: bad entries, a reserved
    // event name, rooms that are not a list.
    const redis = new Redis(REDIS_URL);
    const junk = (data: unknown) =>
      redis.xadd(
        `${ctx.redisPrefix}:socket.io`,
        '*',
        'uid',
        'intruder',
        'nsp',
        '/live',
        'type',
        '3',
        'data',
        JSON.stringify(data),
      );
    const packet = (entries: unknown) => ({ type: 2, data: ['live:items', entries], nsp: '/live' });
    await junk({
      packet: packet([null, 5, ['pair', 'connect', {}], ['pair']]),
      opts: { rooms: ['verdict:batches'], except: [], flags: {} },
    });
    await junk({
      packet: packet('x'),
      opts: { rooms: ['verdict:batches'], except: [], flags: {} },
    });
    await junk({
      packet: { type: 2, data: ['item.queued', {}], nsp: '/live' },
      opts: { rooms: 'queue:pair', except: [], flags: {} },
    });
    redis.disconnect();
    const item = await productA.post('/v1/queues/pair/items', submission({ confidence: 0.2 }));
    const queued = await watcher.waitFor('item.queued', (d) => d.id === item.body.id);
    assert.equal(queued.routing, 'block');
    assert.ok(!watcher.received.some((r) => r.event === 'connect'));
    const health = await fetch(`${b.url}/health`);
    assert.equal(health.status, 200);
  });

  void it('never hand one item to two of 8 reviewers racing across both', async () => {
    const total = 60;
    const batch = await productB.post('/v1/queues/race/items/batch', {
      items: Array.from({ length: total }, (_, i) =>
        submission({ confidence: i % 2 ? 0.1 : 0.7, externalId: `race-${i}` }),
      ),
    });
    assert.equal(batch.status, 200);
    const reviewers = await Promise.all(
      Array.from({ length: 8 }, () => userApi(adminA, ['reviewer'], ['race'])),
    );
    const claims: { reviewer: number; id: string }[] = [];
    await Promise.all(
      reviewers.map(async (reviewer, n) => {
        const api = on(reviewer, n % 2 ? b : a);
        for (;;) {
          const claim = await api.post('/v1/queues/race/claim');
          if (claim.status === 204) return;
          assert.equal(claim.status, 200, JSON.stringify(claim.body));
          claims.push({ reviewer: n, id: claim.body.item.id });
          const decision = await api.post(`/v1/items/${claim.body.item.id}/decision`, {
            action: 'approve',
          });
          assert.equal(decision.status, 200, JSON.stringify(decision.body));
        }
      }),
    );
    const ids = claims.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'an item was handed out twice');
    assert.equal(ids.length, total);
    const left = await productA.get('/v1/queues/race/items?status=pending&limit=10');
    assert.equal(left.body.items.length, 0);
  });
});
