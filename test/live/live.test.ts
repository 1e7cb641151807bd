import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { connectLive, LiveClient, refusedLive } from '../support/live-client';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let product: Api;
let reviewer: Api;
const clients: LiveClient[] = [];

async function watch(
  token: string | undefined,
  queue: string,
  transports?: string[],
): Promise<LiveClient> {
  const client = await connectLive(server.url, token, transports);
  clients.push(client);
  assert.deepEqual(await client.subscribe(queue), { ok: true });
  return client;
}

// Registered first, so it runs first: the sockets close before the server drains.
after(() => {
  for (const c of clients) c.close();
});

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'live-a');
  await createQueue(admin, 'live-b');
  product = await apiKey(admin, ['live-a', 'live-b']);
  reviewer = await userApi(admin, ['reviewer'], ['live-a']);
});

void describe('live updates: handshake', () => {
  void it('refuses a connection without a token, with a bad token, or with an API key', async () => {
    assert.match(await refusedLive(server.url, undefined), /unauthorized/);
    assert.match(await refusedLive(server.url, 'not-a-token'), /unauthorized/);
    assert.match(await refusedLive(server.url, product.token), /unauthorized/);
  });

  void it('accepts a user access token over websocket and over polling', async () => {
    const ws = await connectLive(server.url, reviewer.token, ['websocket']);
    const polling = await connectLive(server.url, reviewer.token, ['polling']);
    clients.push(ws, polling);
    assert.equal(ws.socket.connected, true);
    assert.deepEqual(await polling.subscribe('live-a'), { ok: true });
  });
});

void describe('live updates: subscriptions', () => {
  void it('acks ok for a visible queue and an error for an unknown or forbidden one', async () => {
    const client = await connectLive(server.url, reviewer.token);
    clients.push(client);
    assert.deepEqual(await client.subscribe('live-a'), { ok: true });
    const unknown = await client.subscribe('no-such-queue');
    assert.equal(unknown.ok, false);
    assert.match(unknown.error!, /not found/);
    const forbidden = await client.subscribe('live-b');
    assert.equal(forbidden.ok, false);
    assert.match(forbidden.error!, /not allowed/);
    const malformed = (await client.socket
      .timeout(5000)
      .emitWithAck('subscribe', { queue: 42 })) as { ok: boolean };
    assert.equal(malformed.ok, false);
  });

  void it('sends the queue counts right after subscribing', async () => {
    const client = await watch(admin.token, 'live-b');
    const stats = await client.waitFor('queue.stats');
    assert.equal(stats.queue, 'live-b');
    for (const field of ['pending', 'inReview', 'escalated', 'oldestPendingSeconds'])
      assert.equal(typeof stats[field], 'number', field);
  });

  void it('emits item.queued for items awaiting review, item.decided for auto-approved ones, then fresh counts', async () => {
    const client = await watch(reviewer.token, 'live-a');
    const approved = await product.post(
      '/v1/queues/live-a/items',
      submission({ confidence: 0.97 }),
    );
    const flagged = await product.post('/v1/queues/live-a/items', submission({ confidence: 0.7 }));
    assert.equal(approved.status, 201);
    assert.equal(flagged.status, 201);
    const queued = await client.waitFor('item.queued', (d) => d.id === flagged.body.id);
    assert.equal(queued.queue, 'live-a');
    assert.equal(queued.status, 'pending');
    assert.equal(queued.routing, 'flag');
    assert.equal(queued.reviewClass, 'flagged');
    assert.equal(queued.usable, true);
    const stats = await client.waitFor('queue.stats', (s) => s.pending >= 1);
    assert.equal(stats.queue, 'live-a');
    assert.ok(
      !client.received.some((r) => r.event === 'item.queued' && r.data.id === approved.body.id),
    );
    const decided = await client.waitFor('item.decided', (d) => d.id === approved.body.id);
    assert.equal(decided.status, 'approved');
    assert.equal(decided.decidedBy, 'policy');
  });

  void it('does not deliver events of queues the socket is not subscribed to, nor after unsubscribe', async () => {
    const client = await watch(admin.token, 'live-b');
    assert.deepEqual(await client.unsubscribe('live-b'), { ok: true });
    const other = await watch(admin.token, 'live-a');
    const b = await product.post('/v1/queues/live-b/items', submission({ confidence: 0.2 }));
    const a = await product.post('/v1/queues/live-a/items', submission({ confidence: 0.2 }));
    await other.waitFor('item.queued', (d) => d.id === a.body.id);
    await eventually(async () =>
      clients.some((c) => c.received.some((r) => r.data?.id === b.body.id)),
    );
    assert.ok(!client.received.some((r) => r.event === 'item.queued'));
    assert.ok(!other.received.some((r) => r.data?.id === b.body.id));
  });
});

void describe('live updates: reviewing', () => {
  void it('streams claimed, released and decided as people work', async () => {
    const client = await watch(admin.token, 'live-b');
    const lead = await userApi(admin, ['lead']);
    const item = await product.post('/v1/queues/live-b/items', submission({ confidence: 0.1 }));
    await client.waitFor('item.queued', (d) => d.id === item.body.id);
    // Earlier tests left other blocked items in live-b; claim until ours comes up.
    let claimedId: string | undefined;
    while (claimedId !== item.body.id) {
      const claim = await lead.post('/v1/queues/live-b/claim');
      assert.equal(claim.status, 200);
      claimedId = claim.body.item.id;
      if (claimedId !== item.body.id)
        assert.equal(
          (await lead.post(`/v1/items/${claimedId}/decision`, { action: 'approve' })).status,
          200,
        );
    }
    const claimed = await client.waitFor('item.claimed', (d) => d.id === item.body.id);
    assert.equal(claimed.status, 'in_review');
    assert.equal(claimed.claimedBy, lead.user.id);

    assert.equal((await lead.delete(`/v1/items/${item.body.id}/lease`)).status, 204);
    const released = await client.waitFor('item.released', (d) => d.id === item.body.id);
    assert.equal(released.status, 'pending');

    const again = await admin.post('/v1/queues/live-b/claim');
    assert.equal(again.body.item.id, item.body.id);
    const decision = await admin.post(`/v1/items/${item.body.id}/decision`, {
      action: 'reject',
      reason: 'wrong refund date',
    });
    assert.equal(decision.status, 200);
    const decided = await client.waitFor('item.decided', (d) => d.id === item.body.id);
    assert.equal(decided.status, 'rejected');
    assert.equal(decided.decidedBy, 'reviewer');
    assert.equal(decided.usable, false);
  });

  void it('puts a reported item back in line for everyone to see', async () => {
    const client = await watch(reviewer.token, 'live-a');
    const item = await product.post('/v1/queues/live-a/items', submission({ confidence: 0.99 }));
    await client.waitFor('item.decided', (d) => d.id === item.body.id);
    const report = await product.post(`/v1/items/${item.body.id}/reports`, {
      reason: 'wrong date',
    });
    assert.equal(report.status, 201);
    const queued = await client.waitFor('item.queued', (d) => d.id === item.body.id);
    assert.equal(queued.reviewClass, 'report');
    assert.equal(queued.status, 'approved');
    assert.equal(queued.usable, true);
  });

  void it('announces an escalation as a decision and puts the item back in line for leads', async () => {
    const client = await watch(admin.token, 'live-a');
    const item = await product.post('/v1/queues/live-a/items', submission({ confidence: 0.05 }));
    await client.waitFor('item.queued', (d) => d.id === item.body.id);
    let claimedId: string | undefined;
    while (claimedId !== item.body.id) {
      const claim = await reviewer.post('/v1/queues/live-a/claim');
      assert.equal(claim.status, 200);
      claimedId = claim.body.item.id;
      if (claimedId !== item.body.id)
        await reviewer.post(`/v1/items/${claimedId}/decision`, { action: 'approve' });
    }
    assert.equal(
      (
        await reviewer.post(`/v1/items/${item.body.id}/decision`, {
          action: 'escalate',
          reason: 'not sure',
        })
      ).status,
      200,
    );
    const decided = await client.waitFor('item.decided', (d) => d.id === item.body.id);
    assert.equal(decided.status, 'escalated');
    const requeued = await client.waitFor(
      'item.queued',
      (d) => d.id === item.body.id && d.status === 'escalated',
    );
    assert.equal(requeued.reviewClass, 'escalated');
    await client.waitFor('queue.stats', (s) => s.escalated >= 1);
  });
});
