import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Api,
  apiKey,
  createQueue,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { decideAll, PlannedDecision } from './decisions';
import { calibrationOf, close, Verdict, wilsonUpperRef } from './expected';

const ctx = testContext(__filename);
let admin: Api;
let reviewer: Api;
let analyst: Api;

/** Every item submitted to the queue, and the human verdicts the test made (by item id). */
const submitted: { id: string; confidence: number; version: string }[] = [];
const verdicts = new Map<string, Verdict & { version: string }>();

// Deterministic spread of confidences over [0, 1], including both ends.
const CONFIDENCES = [0, 1, ...Array.from({ length: 38 }, (_, k) => ((k * 37) % 100) / 100 + 0.004)];
const approves = (k: number, c: number) => ((k * 53) % 100) / 100 < c;

serverPerFile(ctx, async (started) => {
  ({ admin } = started);
  // Every auto-approved item is also sampled, so high-confidence items get human verdicts too.
  await createQueue(admin, 'cal', {
    policy: { autoApproveAt: 0.8, blockBelow: 0.3, auditSampleRate: 1, rules: [] },
    labels: ['wrong'],
  });
  reviewer = await userApi(admin, ['reviewer'], ['cal']);
  analyst = await userApi(admin, ['analyst'], []);

  const plan = new Map<string, PlannedDecision>();
  const batch = CONFIDENCES.map((confidence, k) =>
    submission({
      confidence,
      model: { name: 'cal-llm', version: k % 4 === 0 ? 'v2' : 'v1' },
      externalId: `c${k}`,
    }),
  );
  const res = await admin.post('/v1/queues/cal/items/batch', { items: batch });
  assert.equal(res.status, 200);
  res.body.results.forEach((item: any, k: number) => {
    const c = CONFIDENCES[k];
    const version = item.model.version;
    submitted.push({ id: item.id, confidence: c, version });
    if (k === 5) {
      plan.set(item.id, { action: 'escalate' }); // left escalated: no verdict
    } else if (k === 6) {
      plan.set(item.id, { action: 'escalate' }); // escalated, then an admin approves: one verdict
    } else if (approves(k, c)) {
      plan.set(item.id, { action: 'approve' });
      verdicts.set(item.id, { confidence: c, approved: true, version });
    } else {
      plan.set(
        item.id,
        k % 2
          ? { action: 'reject', labels: ['wrong'] }
          : { action: 'correct', labels: ['wrong'], correctedOutput: { reply: `fixed ${k}` } },
      );
      verdicts.set(item.id, { confidence: c, approved: false, version });
    }
  });
  await decideAll(reviewer, 'cal', plan);
  const sixth = res.body.results[6];
  await decideAll(admin, 'cal', new Map([[sixth.id, { action: 'approve' as const }]]), {
    releaseOthers: true,
  });
  verdicts.set(sixth.id, {
    confidence: CONFIDENCES[6],
    approved: true,
    version: sixth.model.version,
  });
  // Undecided items count for simulation (they are items) but carry no verdict.
  const later = await admin.post('/v1/queues/cal/items/batch', {
    items: [0.15, 0.5, 0.95].map((confidence) =>
      submission({ confidence, model: { name: 'cal-llm', version: 'v1' } }),
    ),
  });
  later.body.results.forEach((item: any) =>
    submitted.push({ id: item.id, confidence: item.confidence, version: 'v1' }),
  );
});

function checkCalibration(body: any, expected: ReturnType<typeof calibrationOf>) {
  assert.equal(body.reviewed, expected.reviewed);
  close(body.ece, expected.ece, 'ece');
  assert.equal(body.bins.length, expected.bins.length);
  body.bins.forEach((bin: any, i: number) => {
    const want = expected.bins[i];
    close(bin.lo, want.lo, `bin ${i} lo`);
    close(bin.hi, want.hi, `bin ${i} hi`);
    assert.equal(bin.count, want.count, `bin ${i} count`);
    close(bin.humanApproveRate, want.humanApproveRate, `bin ${i} rate`);
  });
}

void describe('GET /v1/analytics/calibration', () => {
  void it('matches bins, approve rates and ECE computed from the decisions made', async () => {
    const res = await analyst.get('/v1/analytics/calibration?queue=cal');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected = calibrationOf([...verdicts.values()], 10);
    assert.ok(expected.reviewed >= 30);
    checkCalibration(res.body, expected);
    // 1.0 is in the last bin, 0 in the first.
    assert.ok(res.body.bins[9].count >= 1 && res.body.bins[0].count >= 1);
  });

  void it('honours bins, and the model and model-version filters', async () => {
    checkCalibration(
      (await admin.get('/v1/analytics/calibration?queue=cal&bins=7')).body,
      calibrationOf([...verdicts.values()], 7),
    );
    checkCalibration(
      (await admin.get('/v1/analytics/calibration?bins=1')).body,
      calibrationOf([...verdicts.values()], 1),
    );
    const v2 = [...verdicts.values()].filter((v) => v.version === 'v2');
    checkCalibration(
      (await admin.get('/v1/analytics/calibration?queue=cal&model=cal-llm%40v2&bins=4')).body,
      calibrationOf(v2, 4),
    );
    checkCalibration(
      (await admin.get('/v1/analytics/calibration?model=cal-llm')).body,
      calibrationOf([...verdicts.values()], 10),
    );
    const none = (await admin.get('/v1/analytics/calibration?model=other-llm')).body;
    assert.equal(none.reviewed, 0);
    assert.equal(none.bins.length, 10);
  });

  void it('refuses bad input and is not for reviewers or API keys', async () => {
    for (const q of ['bins=0', 'bins=101', 'bins=abc', 'bins=2.5']) {
      const res = await admin.get(`/v1/analytics/calibration?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.body.message, /bins/);
    }
    assert.equal((await admin.get('/v1/analytics/calibration?queue=nope')).status, 404);
    assert.equal((await reviewer.get('/v1/analytics/calibration')).status, 403);
    assert.equal((await (await apiKey(admin, ['*'])).get('/v1/analytics/calibration')).status, 403);
  });
});

void describe('POST /v1/queues/:slug/policy/simulate', () => {
  const expectSimulation = (a: number, b: number) => {
    const approve = submitted.filter((s) => s.confidence >= a).length;
    const block = submitted.filter((s) => s.confidence < b).length;
    const judged = [...verdicts.values()].filter((v) => v.confidence >= a);
    const errors = judged.filter((v) => !v.approved).length;
    return {
      items: submitted.length,
      approve,
      block,
      flag: submitted.length - approve - block,
      reviewed: judged.length,
      errors,
    };
  };

  for (const [a, b] of [
    [0.6, 0.25],
    [0.9, 0.9],
    [1, 0],
    [0, 0],
  ] as const) {
    void it(`counts the split and estimates the auto-approve error at autoApproveAt=${a}, blockBelow=${b}`, async () => {
      const res = await analyst.post('/v1/queues/cal/policy/simulate', {
        autoApproveAt: a,
        blockBelow: b,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const want = expectSimulation(a, b);
      for (const key of ['items', 'approve', 'flag', 'block'] as const)
        assert.equal(res.body[key], want[key], key);
      assert.ok(want.reviewed > 0);
      close(res.body.estimatedAutoApproveErrorRate, want.errors / want.reviewed, 'estimate');
      close(
        res.body.errorRateUpperBound,
        wilsonUpperRef(want.errors, want.reviewed),
        'upper bound',
      );
      assert.ok(res.body.errorRateUpperBound >= res.body.estimatedAutoApproveErrorRate);
    });
  }

  void it('only replays items since the given time', async () => {
    const res = await admin.post('/v1/queues/cal/policy/simulate', {
      autoApproveAt: 0.5,
      blockBelow: 0.2,
      since: '2100-01-01T00:00:00Z',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.items, res.body.approve, res.body.flag, res.body.block],
      [0, 0, 0, 0],
    );
    assert.equal(res.body.estimatedAutoApproveErrorRate, null);
  });

  void it('refuses bad thresholds with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ autoApproveAt: 1.5, blockBelow: 0.2 }, 'autoApproveAt'],
      [{ autoApproveAt: 0.5, blockBelow: -0.1 }, 'blockBelow'],
      [{ autoApproveAt: 0.5, blockBelow: 0.6 }, 'blockBelow'],
      [{ autoApproveAt: '0.5', blockBelow: 0.2 }, 'autoApproveAt'],
      [{ blockBelow: 0.2 }, 'autoApproveAt'],
      [{ autoApproveAt: 0.5, blockBelow: 0.2, since: 'recently' }, 'since'],
    ];
    for (const [body, field] of cases) {
      const res = await admin.post('/v1/queues/cal/policy/simulate', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.message, new RegExp(field), JSON.stringify(body));
    }
    assert.equal(
      (await admin.post('/v1/queues/nope/policy/simulate', { autoApproveAt: 0.5, blockBelow: 0.2 }))
        .status,
      404,
    );
    assert.equal(
      (
        await reviewer.post('/v1/queues/cal/policy/simulate', {
          autoApproveAt: 0.5,
          blockBelow: 0.2,
        })
      ).status,
      403,
    );
  });
});
