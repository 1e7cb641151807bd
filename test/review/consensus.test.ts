import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, testContext, userApi } from '../support/harness';
import {
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
let key: Api;
serverPerFile(ctx, async (started) => {
  admin = started.admin;
  key = await apiKey(admin, ['*']);
});

async function reviewers(slug: string, n: number) {
  return Promise.all(Array.from({ length: n }, () => userApi(admin, ['reviewer'], [slug])));
}

/** One person claims the (only) item and decides it. */
async function vote(api: Api, slug: string, id: string, body: Record<string, unknown>) {
  assert.equal((await claimItem(api, slug)).id, id);
  const res = await decide(api, id, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

void describe('consensus and escalation', () => {
  void it('is final once the required number of different people agree', async () => {
    await createQueue(admin, 'three', { requiredReviews: 3 });
    const item = await submit(key, 'three', { confidence: FLAG });
    const [a, b, c] = await reviewers('three', 3);
    assert.equal((await vote(a, 'three', item.id, { action: 'approve' })).status, 'pending');
    assert.equal((await vote(b, 'three', item.id, { action: 'approve' })).status, 'pending');
    const done = await vote(c, 'three', item.id, { action: 'approve' });
    assert.equal(done.status, 'approved');
    assert.equal(done.decidedBy, 'reviewer');
    assert.equal(done.reviews.length, 3);
    assert.deepEqual(new Set(done.reviews.map((r: { reviewer: string }) => r.reviewer)).size, 3);
  });

  void it('agrees on corrections only when the corrected outputs match', async () => {
    await createQueue(admin, 'fix-same', { requiredReviews: 2 });
    await createQueue(admin, 'fix-diff', { requiredReviews: 2 });
    const same = await submit(key, 'fix-same', { confidence: FLAG });
    const diff = await submit(key, 'fix-diff', { confidence: FLAG });
    const [a, b] = await reviewers('fix-same', 2);
    await vote(a, 'fix-same', same.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Friday.', n: 1 },
    });
    const agreed = await vote(b, 'fix-same', same.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { n: 1, reply: 'Sent Friday.' },
    });
    assert.equal(agreed.status, 'corrected');
    assert.deepEqual(agreed.finalOutput, { reply: 'Sent Friday.', n: 1 });

    const [c, d] = await reviewers('fix-diff', 2);
    await vote(c, 'fix-diff', diff.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Friday.' },
    });
    const split = await vote(d, 'fix-diff', diff.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Thursday.' },
    });
    assert.equal(split.status, 'escalated');
  });

  void it('escalates on disagreement; only leads and admins get it, and a lead decides for good', async () => {
    await createQueue(admin, 'split', { requiredReviews: 2 });
    const item = await submit(key, 'split', { confidence: FLAG });
    const [a, b, c] = await reviewers('split', 3);
    await vote(a, 'split', item.id, { action: 'approve' });
    const escalated = await vote(b, 'split', item.id, { action: 'reject', reason: 'wrong' });
    assert.equal(escalated.status, 'escalated');
    assert.equal(escalated.review.class, 'escalated');
    assert.equal(
      (await claim(c, 'split')).status,
      204,
      'a reviewer is never handed an escalated item',
    );

    const lead = await userApi(admin, ['lead']);
    const held = await claimItem(lead, 'split');
    assert.equal(held.id, item.id);
    assert.equal(held.status, 'escalated');
    const again = await decide(lead, item.id, { action: 'escalate' });
    assert.equal(again.status, 400, 'an escalated item cannot be escalated again');
    const final = await decide(lead, item.id, { action: 'reject', reason: 'refund never sent' });
    assert.equal(final.status, 200);
    assert.equal(
      final.body.status,
      'rejected',
      'one lead decision settles it despite requiredReviews 2',
    );
    assert.equal(final.body.usable, false);
    const types = (await events(admin, item.id)).map((e) => e.type);
    assert.ok(types.includes('escalated'));
    const escalation = (await events(admin, item.id)).find((e) => e.type === 'escalated')!;
    assert.equal(escalation.details.why, 'reviewers disagreed');
    await chainVerifies(admin, item.id);
  });

  void it('lets a reviewer escalate to a lead', async () => {
    await createQueue(admin, 'ask');
    const item = await submit(key, 'ask', { confidence: FLAG });
    const [a] = await reviewers('ask', 1);
    const res = await vote(a, 'ask', item.id, { action: 'escalate', comment: 'legal question' });
    assert.equal(res.status, 'escalated');
    assert.equal(res.usable, true, 'a flagged item stays usable while escalated');
    assert.equal(res.reviews[0].action, 'escalate');
    const admin2 = await claimItem(admin, 'ask');
    assert.equal(admin2.id, item.id);
    const approved = await decide(admin, item.id, { action: 'approve' });
    assert.equal(approved.body.status, 'approved');
    const escalated = (await events(admin, item.id)).find((e) => e.type === 'escalated')!;
    assert.equal(escalated.actor, `user:${a.user.id}`);
  });
});
