import { describe, it } from 'node:test';
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

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let product: Api;

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'stats-q');
  await createQueue(admin, 'stats-other');
  await createQueue(admin, 'stats-sla', { sla: { blockedSeconds: 1, onBlockedTimeout: 'reject' } });
  await createQueue(admin, 'stats-own');
  product = await apiKey(admin, ['stats-q', 'stats-other', 'stats-sla', 'stats-own']);
});

const stats = async (api: Api, slug: string) => {
  const res = await api.get(`/v1/queues/${slug}/stats`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

void describe('GET /v1/queues/:slug/stats', () => {
  void it('is for admins, leads, analysts and reviewers of the queue', async () => {
    const lead = await userApi(admin, ['lead']);
    const analyst = await userApi(admin, ['analyst']);
    const reviewer = await userApi(admin, ['reviewer'], ['stats-q']);
    const outsider = await userApi(admin, ['reviewer'], ['stats-other']);
    for (const api of [admin, lead, analyst, reviewer]) await stats(api, 'stats-q');
    assert.equal((await outsider.get('/v1/queues/stats-q/stats')).status, 403);
    assert.equal((await product.get('/v1/queues/stats-q/stats')).status, 403);
    assert.equal((await new Api(server.url).get('/v1/queues/stats-q/stats')).status, 401);
    assert.equal((await admin.get('/v1/queues/no-such-queue/stats')).status, 404);
  });

  void it('starts empty', async () => {
    assert.deepEqual(await stats(admin, 'stats-other'), {
      pending: 0,
      pendingByRouting: { block: 0, flag: 0, approve: 0 },
      inReview: 0,
      escalated: 0,
      oldestPendingSeconds: 0,
      decidedLast24h: 0,
      autoApproveRate: 0,
      medianReviewSeconds: null,
      slaBreaches: 0,
    });
  });

  void it('follows submissions, claims, decisions and escalations', async () => {
    for (const confidence of [0.95, 0.99, 0.7, 0.1]) {
      assert.equal(
        (await product.post('/v1/queues/stats-q/items', submission({ confidence }))).status,
        201,
      );
    }
    const first = await eventually(async () => {
      const s = await stats(admin, 'stats-q');
      return s.pending === 2 && s.decidedLast24h === 2 ? s : undefined;
    });
    assert.equal(first.inReview, 0);
    assert.deepEqual(first.pendingByRouting, { block: 1, flag: 1, approve: 0 });
    assert.equal(first.decidedLast24h, 2);
    assert.equal(first.autoApproveRate, 0.5);
    assert.ok(first.oldestPendingSeconds >= 0);

    const lead = await userApi(admin, ['lead']);
    const claim = await lead.post('/v1/queues/stats-q/claim');
    assert.equal(claim.body.item.routing, 'block', 'blocked items come first');
    const held = await eventually(async () => {
      const s = await stats(admin, 'stats-q');
      return s.inReview === 1 && s.pending === 1 ? s : undefined;
    });
    assert.equal(held.pending, 1);

    assert.equal(
      (await lead.post(`/v1/items/${claim.body.item.id}/decision`, { action: 'approve' })).status,
      200,
    );
    const decided = await eventually(async () => {
      const s = await stats(admin, 'stats-q');
      return s.decidedLast24h === 3 && s.inReview === 0 && s.medianReviewSeconds !== null
        ? s
        : undefined;
    });
    assert.equal(decided.inReview, 0);
    assert.equal(typeof decided.medianReviewSeconds, 'number');
    assert.ok(decided.medianReviewSeconds >= 0);

    const reviewer = await userApi(admin, ['reviewer'], ['stats-q']);
    const next = await reviewer.post('/v1/queues/stats-q/claim');
    assert.equal(
      (
        await reviewer.post(`/v1/items/${next.body.item.id}/decision`, {
          action: 'escalate',
          reason: 'unsure',
        })
      ).status,
      200,
    );
    const escalated = await eventually(async () => {
      const s = await stats(admin, 'stats-q');
      return s.escalated === 1 ? s : undefined;
    });
    assert.equal(escalated.pending, 0, 'escalated items are counted apart from pending ones');
  });

  void it('counts items decided by an SLA timeout as breaches', async () => {
    const item = await product.post('/v1/queues/stats-sla/items', submission({ confidence: 0.1 }));
    assert.equal(item.status, 201);
    const timedOut = await eventually(
      async () => {
        const s = await stats(admin, 'stats-sla');
        return s.slaBreaches >= 1 && s.pending === 0 && s.decidedLast24h === 1 ? s : undefined;
      },
      20_000,
      250,
    );
    assert.equal(timedOut.decidedLast24h, 1);
    const after = await admin.get(`/v1/items/${item.body.id}`);
    assert.equal(after.body.decidedBy, 'timeout');
  });

  void it("reflects the caller's own decisions at once, as one snapshot", async () => {
    const N = 12;
    for (let i = 0; i < N; i++) {
      const res = await product.post('/v1/queues/stats-own/items', submission({ confidence: 0.6 }));
      assert.equal(res.status, 201);
    }
    const reviewer = await userApi(admin, ['reviewer'], ['stats-own']);
    for (let i = 1; i <= N; i++) {
      // Read while the queue is busy so any shared result would be a stale one.
      await stats(admin, 'stats-own');
      const claim = await reviewer.post('/v1/queues/stats-own/claim');
      assert.equal(claim.status, 200);
      const decided = await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, {
        action: 'approve',
      });
      assert.equal(decided.status, 200);
      // No waiting: the read right after the decision already counts it, in every part.
      const s = await stats(reviewer, 'stats-own');
      assert.deepEqual(
        { pending: s.pending, inReview: s.inReview, decidedLast24h: s.decidedLast24h },
        { pending: N - i, inReview: 0, decidedLast24h: i },
      );
    }
  });
});
