import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, createQueue, serverPerFile, sql, testContext, userApi } from '../support/harness';
import { close, wilsonUpperRef } from './expected';
import { seedDecisions } from './seed';

const ctx = testContext(__filename);
let admin: Api;

/**
 * A queue with a known answer: at 0.95 people approved all 400 items, at 0.85 they overrode
 * 10%, at 0.75 30%. Only thresholds above 0.85 keep the bound low: the answer is 0.86.
 */
serverPerFile(ctx, async (started) => {
  ({ admin } = started);
  await createQueue(admin, 'rec', {
    policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0, rules: [] },
  });
  await createQueue(admin, 'thin', {
    policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0, rules: [] },
  });
  const reviewer = await userApi(admin, ['reviewer'], ['rec']);
  const query = (text: string, params?: unknown[]) => sql(ctx, text, params);
  await seedDecisions(query, 'rec', reviewer.user.id, [
    { confidence: 0.95, count: 400 },
    { confidence: 0.85, count: 300, rejected: 20, corrected: 10 },
    { confidence: 0.75, count: 300, rejected: 60, corrected: 30 },
    { confidence: 0.99, count: 50, undecided: true },
  ]);
  await seedDecisions(query, 'thin', reviewer.user.id, [{ confidence: 0.97, count: 20 }]);
  // 0.29 * 100 is 28.999… in floating point: the grid must still put these items at 0.29.
  await createQueue(admin, 'edge', {
    policy: { autoApproveAt: 0.9, blockBelow: 0.1, auditSampleRate: 0, rules: [] },
  });
  await seedDecisions(query, 'edge', reviewer.user.id, [
    { confidence: 0.29, count: 300 },
    { confidence: 0.28, count: 100, rejected: 50 },
  ]);
});

void describe('GET /v1/queues/:slug/policy/recommendation', () => {
  void it('recommends the lowest threshold whose 95% upper error bound is under the target, with its evidence', async () => {
    const res = await admin.get('/v1/queues/rec/policy/recommendation?maxErrorRate=0.02');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.autoApproveAt, 0.86);
    assert.equal(res.body.reviewed, 400);
    assert.equal(res.body.errors, 0);
    assert.equal(res.body.estimatedErrorRate, 0);
    close(res.body.errorRateUpperBound, wilsonUpperRef(0, 400), 'bound');
    assert.equal(res.body.currentAutoApproveAt, 0.9);
    assert.deepEqual(res.body.evidence.autoApproveAt, 0.86);
  });

  void it('moves with the target: a looser target admits the 0.85 group, a tighter one nothing', async () => {
    // At 0.76: 700 judged, 30 errors (bound about 0.06); at 0: 1000 judged, 120 errors.
    const loose = (await admin.get('/v1/queues/rec/policy/recommendation?maxErrorRate=0.1')).body;
    assert.equal(loose.autoApproveAt, 0.76);
    assert.equal(loose.reviewed, 700);
    assert.equal(loose.errors, 30);
    close(loose.errorRateUpperBound, wilsonUpperRef(30, 700), 'loose bound');
    const everything = (await admin.get('/v1/queues/rec/policy/recommendation?maxErrorRate=0.2'))
      .body;
    assert.equal(everything.autoApproveAt, 0);
    assert.equal(everything.errors, 120);
    const strict = (await admin.get('/v1/queues/rec/policy/recommendation?maxErrorRate=0.005'))
      .body;
    assert.equal(strict.autoApproveAt, null);
    assert.match(strict.explanation, /0\.005/);
  });

  void it('says so when there is too little evidence', async () => {
    // 20 clean reviews: the bound (about 0.16) cannot get under 2%.
    const thin = (await admin.get('/v1/queues/thin/policy/recommendation')).body;
    assert.equal(thin.maxErrorRate, 0.02);
    assert.equal(thin.autoApproveAt, null);
    assert.equal(typeof thin.explanation, 'string');
  });

  void it('puts a confidence exactly on the grid at its own threshold', async () => {
    const edge = (await admin.get('/v1/queues/edge/policy/recommendation?maxErrorRate=0.02')).body;
    assert.equal(edge.autoApproveAt, 0.29);
    assert.equal(edge.reviewed, 300);
    const sim = (
      await admin.post('/v1/queues/edge/policy/simulate', { autoApproveAt: 0.29, blockBelow: 0.1 })
    ).body;
    assert.equal(sim.approve, 300);
    assert.equal(sim.reviewed, 300);
  });

  void it('validates maxErrorRate and the queue', async () => {
    for (const q of ['maxErrorRate=0', 'maxErrorRate=2', 'maxErrorRate=lots']) {
      const res = await admin.get(`/v1/queues/rec/policy/recommendation?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.body.message, /maxErrorRate/);
    }
    assert.equal((await admin.get('/v1/queues/nope/policy/recommendation')).status, 404);
  });

  void it('simulation over the same data agrees with the evidence', async () => {
    const res = await admin.post('/v1/queues/rec/policy/simulate', {
      autoApproveAt: 0.8,
      blockBelow: 0.5,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.items, 1050);
    assert.equal(res.body.approve, 750);
    assert.equal(res.body.flag, 300);
    assert.equal(res.body.block, 0);
    close(res.body.estimatedAutoApproveErrorRate, 30 / 700, 'estimate');
    close(res.body.errorRateUpperBound, wilsonUpperRef(30, 700), 'bound');
  });
});
