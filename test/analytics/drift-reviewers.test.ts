import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Api,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { decideAll, PlannedDecision } from './decisions';
import { close, psiRef } from './expected';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let analyst: Api;
let r1: Api & { user: { id: string } };
let r2: Api & { user: { id: string } };

const V1 = Array.from({ length: 24 }, (_, k) => 0.05 + ((k * 7) % 24) / 40); // 0.05 .. 0.63
const V2 = Array.from({ length: 24 }, (_, k) => 0.5 + ((k * 5) % 24) / 50); // 0.5 .. 0.96
const pairItems: Record<string, string> = {};

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  analyst = await userApi(admin, ['analyst'], []);
  // Everything below 1 is flagged, so every item reaches a reviewer.
  await createQueue(admin, 'drift', {
    policy: { autoApproveAt: 1, blockBelow: 0, auditSampleRate: 0, rules: [] },
  });
  await createQueue(admin, 'pair', {
    policy: { autoApproveAt: 1, blockBelow: 0, auditSampleRate: 0, rules: [] },
    labels: ['x'],
    requiredReviews: 2,
  });
  r1 = await userApi(admin, ['reviewer'], ['drift', 'pair'], 'r1');
  r2 = await userApi(admin, ['reviewer'], ['pair'], 'r2');

  const plan = new Map<string, PlannedDecision>();
  for (const [version, confidences, every] of [
    ['v1', V1, 4],
    ['v2', V2, 2],
  ] as const) {
    const res = await admin.post('/v1/queues/drift/items/batch', {
      items: confidences.map((confidence) =>
        submission({ confidence, model: { name: 'm', version } }),
      ),
    });
    assert.equal(res.status, 200);
    res.body.results.forEach((item: any, k: number) =>
      plan.set(
        item.id,
        k % every === 0 ? { action: 'reject', reason: 'wrong' } : { action: 'approve' },
      ),
    );
  }
  await decideAll(r1, 'drift', plan);

  for (const name of ['agree-approve', 'agree-reject', 'split', 'two-corrections']) {
    pairItems[name] = (
      await admin.post('/v1/queues/pair/items', submission({ confidence: 0.6, externalId: name }))
    ).body.id;
  }
  const byName = (decisions: Record<string, PlannedDecision>) =>
    new Map(Object.entries(decisions).map(([n, d]) => [pairItems[n], d]));
  await decideAll(
    r1,
    'pair',
    byName({
      'agree-approve': { action: 'approve' },
      'agree-reject': { action: 'reject', labels: ['x'] },
      split: { action: 'approve' },
      'two-corrections': { action: 'correct', labels: ['x'], correctedOutput: { reply: 'a' } },
    }),
  );
  await decideAll(
    r2,
    'pair',
    byName({
      'agree-approve': { action: 'approve' },
      'agree-reject': { action: 'reject', labels: ['x'] },
      split: { action: 'reject', labels: ['x'] },
      'two-corrections': { action: 'correct', labels: ['x'], correctedOutput: { reply: 'b' } },
    }),
  );
});

void describe('GET /v1/analytics/drift', () => {
  void it('compares each version with the previous one (PSI) and tracks the override rate per day', async () => {
    const res = await analyst.get('/v1/analytics/drift?queue=drift');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [v1, v2] = res.body.versions;
    assert.deepEqual([v1.model, v1.version, v2.model, v2.version], ['m', 'v1', 'm', 'v2']);
    assert.equal(v1.psi, null);
    assert.equal(v2.previousVersion, 'v1');
    close(v2.psi, psiRef(V1, V2), 'psi');
    assert.equal(v2.psiLevel, 'significant');
    assert.equal(v1.items, 24);
    assert.deepEqual(
      v2.distribution.map((b: any) => b.count),
      (() => {
        const c = new Array(10).fill(0);
        for (const x of V2) c[Math.min(Math.floor(x * 10), 9)] += 1;
        return c;
      })(),
    );
    close(v1.overrideRate, 6 / 24, 'v1 override');
    close(v2.overrideRate, 12 / 24, 'v2 override');
    // Decisions were made just now: today (or, at midnight UTC, yesterday and today).
    const days = v2.overrideByDay.map((d: any) => d.day);
    assert.ok(
      days.includes(new Date().toISOString().slice(0, 10)) && days.length <= 2,
      JSON.stringify(days),
    );
    assert.equal(
      v2.overrideByDay.reduce((s: number, d: any) => s + d.reviewed, 0),
      24,
    );
    assert.equal(
      v2.overrideByDay.reduce((s: number, d: any) => s + d.overridden, 0),
      12,
    );
    for (const d of v2.overrideByDay) close(d.rate, d.overridden / d.reviewed, 'daily rate');
    const filtered = (await analyst.get('/v1/analytics/drift?model=m%40v2')).body;
    assert.deepEqual(
      filtered.versions.map((v: any) => v.version),
      ['v2'],
    );
  });

  void it('exports PSI and override rate as Prometheus gauges', async () => {
    const text = await eventually(
      async () => {
        const body = await (await fetch(`${server.url}/metrics`)).text();
        return body.includes('verdict_model_confidence_psi{') ? body : undefined;
      },
      15_000,
      500,
    );
    const psi =
      /verdict_model_confidence_psi\{queue="drift",model="m",version="v2"\} ([\d.e-]+)/.exec(text);
    assert.ok(psi, 'psi gauge for m@v2');
    close(Number(psi[1]), psiRef(V1, V2), 'gauge psi');
    const rate =
      /verdict_model_override_ratio\{queue="drift",model="m",version="v1"\} ([\d.e-]+)/.exec(text);
    assert.ok(rate, 'override gauge for m@v1');
    close(Number(rate[1]), 0.25, 'gauge override rate');
  });
});

void describe('GET /v1/analytics/reviewers', () => {
  void it('reports agreement on multi-review items per reviewer and per queue, with throughput and review time', async () => {
    const res = await admin.get('/v1/analytics/reviewers?queue=pair');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const rows = new Map(res.body.reviewers.map((r: any) => [r.id, r]));
    for (const who of [r1, r2]) {
      const row: any = rows.get(who.user.id);
      assert.ok(row, 'a row per reviewer');
      assert.equal(row.reviews, 4);
      assert.equal(row.multiReviewItems, 4);
      assert.equal(row.comparisons, 4);
      close(row.agreementRate, 0.5, 'agreement');
      // Median of this reviewer's review times, from the items' own review records.
      const seconds: number[] = [];
      for (const id of Object.values(pairItems)) {
        const item = (await admin.get(`/v1/items/${id}`)).body;
        for (const review of item.reviews)
          if (review.reviewer === who.user.id) seconds.push(review.reviewSeconds);
      }
      seconds.sort((a, b) => a - b);
      close(row.medianReviewSeconds, (seconds[1] + seconds[2]) / 2, 'median');
      assert.ok(row.throughputPerHour >= 2 && row.throughputPerHour <= 4);
      assert.equal(row.reviewsLast24h, 4);
    }
    const [queue] = res.body.queues;
    assert.equal(queue.queue, 'pair');
    assert.equal(queue.reviews, 8);
    assert.equal(queue.reviewers, 2);
    assert.equal(queue.multiReviewItems, 4);
    assert.equal(queue.pairs, 4);
    close(queue.agreementRate, 0.5, 'queue agreement');
    close(queue.unanimousRate, 0.5, 'unanimous');
  });

  void it('is for admins and leads', async () => {
    const lead = await userApi(admin, ['lead'], []);
    assert.equal((await lead.get('/v1/analytics/reviewers')).status, 200);
    assert.equal((await analyst.get('/v1/analytics/reviewers')).status, 403);
    assert.equal((await r1.get('/v1/analytics/reviewers')).status, 403);
    assert.equal((await admin.get('/v1/analytics/reviewers?queue=nope')).status, 404);
  });
});
