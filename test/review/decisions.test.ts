import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  createQueue,
  RunningServer,
  sql,
  testContext,
  userApi,
} from '../support/harness';
import {
  chainVerifies,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
} from './review-support';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let key: Api;
let reviewer: Api & { user: { id: string } };

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'labelled', {
    labels: ['hallucination', 'tone'],
    outputSchema: {
      type: 'object',
      required: ['reply'],
      properties: { reply: { type: 'string' } },
    },
  });
  await createQueue(admin, 'plain');
  key = await apiKey(admin, ['labelled', 'plain']);
  reviewer = await userApi(admin, ['reviewer'], ['labelled', 'plain']);
});

/** Submits and claims one flagged item in the queue. */
async function held(
  slug: string,
  output: unknown = { reply: 'Your refund was sent on Monday.', lang: 'en' },
) {
  const item = await submit(key, slug, { confidence: FLAG, output });
  assert.equal((await claimItem(reviewer, slug)).id, item.id);
  return item;
}

async function refused(id: string, body: Record<string, unknown>, field: string) {
  const res = await decide(reviewer, id, body);
  assert.equal(
    res.status,
    400,
    `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
  );
  assert.match(
    String(res.body.message),
    new RegExp(field),
    `the message names ${field}: ${res.body.message}`,
  );
}

void describe('decisions', () => {
  void it('refuses every invalid decision with 400 naming the field, and the lease survives', async () => {
    const item = await held('labelled');
    await refused(item.id, {}, 'action');
    await refused(item.id, { action: 'maybe' }, 'action');
    await refused(item.id, { action: 'reject' }, 'labels');
    await refused(item.id, { action: 'reject', reason: 'a reason is not a label here' }, 'labels');
    await refused(item.id, { action: 'reject', labels: ['made-up'] }, 'labels');
    await refused(item.id, { action: 'approve', labels: ['made-up'] }, 'labels');
    await refused(item.id, { action: 'reject', labels: 'tone' }, 'labels');
    await refused(item.id, { action: 'correct', labels: ['tone'] }, 'correctedOutput');
    await refused(
      item.id,
      { action: 'correct', labels: ['tone'], correctedOutput: null },
      'correctedOutput',
    );
    // Same JSON, keys in another order: not a correction.
    await refused(
      item.id,
      {
        action: 'correct',
        labels: ['tone'],
        correctedOutput: { lang: 'en', reply: 'Your refund was sent on Monday.' },
      },
      'correctedOutput',
    );
    await refused(
      item.id,
      { action: 'correct', labels: ['tone'], correctedOutput: { text: 'no reply field' } },
      'correctedOutput',
    );
    await refused(
      item.id,
      { action: 'correct', labels: ['tone'], correctedOutput: { reply: 42 } },
      'correctedOutput',
    );
    await refused(item.id, { action: 'correct' }, 'labels');
    await refused(item.id, { action: 'approve', reason: 'bad\u0000text' }, 'reason');
    await refused(item.id, { action: 'approve', comment: 7 }, 'comment');

    const ok = await decide(reviewer, item.id, {
      action: 'correct',
      labels: ['hallucination', 'hallucination'],
      correctedOutput: { reply: 'Your refund was sent on 3 November.' },
      comment: 'wrong date',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'corrected');
    assert.equal(ok.body.usable, true);
    assert.equal(ok.body.decidedBy, 'reviewer');
    assert.ok(ok.body.decidedAt);
    assert.deepEqual(ok.body.finalOutput, { reply: 'Your refund was sent on 3 November.' });
    assert.equal(ok.body.reviews.length, 1);
    const review = ok.body.reviews[0];
    assert.equal(review.reviewer, reviewer.user.id);
    assert.equal(review.action, 'correct');
    assert.deepEqual(review.labels, ['hallucination']);
    assert.equal(review.comment, 'wrong date');
    assert.equal(review.reviewClass, 'flagged');
    assert.deepEqual(review.correctedOutput, { reply: 'Your refund was sent on 3 November.' });
    assert.ok(review.reviewSeconds >= 0);
    assert.equal(
      (await decide(reviewer, item.id, { action: 'approve' })).status,
      409,
      'already final',
    );
  });

  void it('needs a reason to reject or correct where the queue defines no labels', async () => {
    const item = await held('plain');
    await refused(item.id, { action: 'reject' }, 'reason');
    await refused(item.id, { action: 'reject', reason: '   ' }, 'reason');
    await refused(item.id, { action: 'reject', reason: 'wrong', labels: ['tone'] }, 'labels');
    const res = await decide(reviewer, item.id, {
      action: 'reject',
      reason: 'the refund was never sent',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'rejected');
    assert.equal(res.body.usable, false);
    assert.equal(res.body.finalOutput, null);
    assert.equal(res.body.reviews[0].reason, 'the refund was never sent');
    const stored = await sql<{ review_seconds: number; claimed_at: Date; decided_at: Date }>(
      ctx,
      'SELECT review_seconds, claimed_at, decided_at FROM reviews WHERE item_id = $1',
      [item.id],
    );
    assert.equal(stored.length, 1);
    assert.ok(
      Math.abs(
        stored[0].review_seconds -
          (stored[0].decided_at.getTime() - stored[0].claimed_at.getTime()) / 1000,
      ) < 0.01,
    );
  });

  void it('approves with the output as final output, records the decision and keeps the chain valid', async () => {
    const item = await held('plain', 'a plain string output');
    const res = await decide(reviewer, item.id, { action: 'approve' });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.usable, true);
    assert.equal(res.body.finalOutput, 'a plain string output');
    assert.equal(res.body.review.state, 'none');
    const decided = (await events(admin, item.id)).at(-1)!;
    assert.equal(decided.type, 'decided');
    assert.equal(decided.actor, `user:${reviewer.user.id}`);
    assert.equal(decided.details.action, 'approve');
    await chainVerifies(admin, item.id);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /verdict_reviews_total\{queue="plain",action="approve"\} [1-9]/);
  });

  void it('lands a decision written while comments append to the same audit trail', async () => {
    // The decision is written without a held lock; audit events appended meanwhile make it
    // plan again under the lock. Nothing may be lost or refused, and the chain stays valid.
    for (let round = 0; round < 3; round++) {
      const item = await held('plain');
      const comments = Array.from({ length: 4 }, (_, n) =>
        reviewer.post(`/v1/items/${item.id}/comments`, { body: `note ${round}.${n}` }),
      );
      const [decision, ...posted] = await Promise.all([
        decide(reviewer, item.id, { action: 'approve' }),
        ...comments,
      ]);
      assert.equal(decision.status, 200, JSON.stringify(decision.body));
      assert.equal(decision.body.status, 'approved');
      for (const c of posted) assert.equal(c.status, 201, JSON.stringify(c.body));
      const trail = await events(admin, item.id);
      assert.equal(trail.filter((e) => e.type === 'decided').length, 1);
      assert.equal(trail.filter((e) => e.type === 'commented').length, 4);
      await chainVerifies(admin, item.id);
    }
  });

  void it('lets only users who review the queue decide', async () => {
    const item = await held('plain');
    assert.equal((await decide(key, item.id, { action: 'approve' })).status, 403);
    const outsider = await userApi(admin, ['reviewer'], ['labelled']);
    assert.equal((await decide(outsider, item.id, { action: 'approve' })).status, 403);
    assert.equal(
      (await decide(reviewer, '00000000-0000-4000-8000-000000000000', { action: 'approve' }))
        .status,
      404,
    );
    assert.equal((await decide(reviewer, 'not-a-uuid', { action: 'approve' })).status, 400);
  });
});
