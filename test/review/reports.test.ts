import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, testContext, userApi } from '../support/harness';
import {
  APPROVE,
  chainVerifies,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
} from './review-support';

const ctx = testContext(__filename);
let admin: Api;
let key: Api;
let reviewer: Api & { user: { id: string } };

serverPerFile(ctx, async (started) => {
  admin = started.admin;
  await createQueue(admin, 'reports', { labels: ['hallucination', 'tone'] });
  await createQueue(admin, 'audits', {
    policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 1 },
  });
  await createQueue(admin, 'other');
  key = await apiKey(admin, ['reports', 'audits']);
  reviewer = await userApi(admin, ['reviewer'], ['reports', 'audits']);
});

void describe('reports and audit samples', () => {
  void it('puts a reported approved item back in review, usable until a reviewer rejects it', async () => {
    const item = await submit(key, 'reports', { confidence: APPROVE });
    assert.equal(item.status, 'approved');
    const res = await key.post(`/v1/items/${item.id}/reports`, {
      reason: 'customer says the date is wrong',
      labels: ['hallucination'],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.usable, true);
    assert.equal(res.body.review.state, 'waiting');
    assert.equal(res.body.review.class, 'report');
    const report = res.body.reasons.find((r: { kind: string }) => r.kind === 'report');
    assert.equal(report.message, 'customer says the date is wrong');

    const held = await claimItem(reviewer, 'reports');
    assert.equal(held.id, item.id);
    assert.equal(held.status, 'approved');
    const rejected = await decide(reviewer, item.id, {
      action: 'reject',
      labels: ['hallucination'],
    });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.status, 'rejected', 'the approval is overturned');
    assert.equal(rejected.body.usable, false);
    assert.equal(rejected.body.finalOutput, null);
    assert.equal(rejected.body.decidedBy, 'reviewer');
    const reported = (await events(admin, item.id)).find((e) => e.type === 'reported')!;
    assert.equal(reported.actor.startsWith('api-key:'), true);
    await chainVerifies(admin, item.id);
  });

  void it('keeps a confirmed report approved, and only adds the reason to an item already in review', async () => {
    const approved = await submit(key, 'reports', { confidence: APPROVE });
    assert.equal(
      (await reviewer.post(`/v1/items/${approved.id}/reports`, { reason: 'looks off' })).status,
      201,
    );
    await claimItem(reviewer, 'reports');
    const confirmed = await decide(reviewer, approved.id, { action: 'approve' });
    assert.equal(confirmed.body.status, 'approved');
    assert.equal(confirmed.body.usable, true);
    assert.equal(confirmed.body.review.state, 'none');

    const waiting = await submit(key, 'reports', { confidence: FLAG });
    const res = await key.post(`/v1/items/${waiting.id}/reports`, { reason: 'also wrong' });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.review.class, 'flagged', 'still reviewed as flagged (ahead of reports)');
    assert.equal(res.body.reasons.filter((r: { kind: string }) => r.kind === 'report').length, 1);
  });

  void it('refuses a report without a reason, with unknown labels, or from someone who may not see the queue', async () => {
    const item = await submit(key, 'reports', { confidence: APPROVE });
    assert.equal((await key.post(`/v1/items/${item.id}/reports`, {})).status, 400);
    assert.equal((await key.post(`/v1/items/${item.id}/reports`, { reason: '' })).status, 400);
    assert.equal(
      (await key.post(`/v1/items/${item.id}/reports`, { reason: 'x', labels: ['nope'] })).status,
      400,
    );
    const otherKey = await apiKey(admin, ['other']);
    assert.equal(
      (await otherKey.post(`/v1/items/${item.id}/reports`, { reason: 'x' })).status,
      403,
    );
    const outsider = await userApi(admin, ['reviewer'], ['other']);
    assert.equal(
      (await outsider.post(`/v1/items/${item.id}/reports`, { reason: 'x' })).status,
      403,
    );
    assert.equal(
      (await key.post('/v1/items/00000000-0000-4000-8000-000000000000/reports', { reason: 'x' }))
        .status,
      404,
    );
  });

  void it('records every one of many reports sent at once, with an intact audit chain', async () => {
    const item = await submit(key, 'reports', { confidence: APPROVE });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        key.post(`/v1/items/${item.id}/reports`, { reason: `report ${i}` }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(201),
    );
    const stored = await admin.get(`/v1/items/${item.id}`);
    assert.equal(
      stored.body.reasons.filter((r: { kind: string }) => r.kind === 'report').length,
      10,
    );
    assert.equal((await events(admin, item.id)).filter((e) => e.type === 'reported').length, 10);
    await chainVerifies(admin, item.id);
  });

  void it('overturns a sampled approval when a reviewer rejects it', async () => {
    const item = await submit(key, 'audits', { confidence: APPROVE });
    assert.equal(item.status, 'approved');
    assert.ok(item.reasons.some((r: { kind: string }) => r.kind === 'sample'));
    const held = await claimItem(reviewer, 'audits');
    assert.equal(held.id, item.id);
    assert.equal(held.usable, true);
    const res = await decide(reviewer, item.id, {
      action: 'reject',
      reason: 'should not have been approved',
    });
    assert.equal(res.body.status, 'rejected');
    assert.equal(res.body.usable, false);
  });
});
