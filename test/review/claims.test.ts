import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { BackfillItemsReviewedBy1796040000000 } from '../../migrations/1796040000000-BackfillItemsReviewedBy';
import { Api, apiKey, createQueue, sql, testContext, userApi } from '../support/harness';
import {
  APPROVE,
  BLOCK,
  claim,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
  submitInOrder,
} from './review-support';

const ctx = testContext(__filename);
let admin: Api;
serverPerFile(ctx, (started) => {
  admin = started.admin;
});

void describe('claiming', () => {
  void it('hands out blocked before flagged before sampled, older first, escalated only to leads', async () => {
    await createQueue(admin, 'order', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 1 },
    });
    const key = await apiKey(admin, ['order']);
    const [sampled, flagOld, blockOld, flagNew, blockNew] = await submitInOrder(key, 'order', [
      APPROVE,
      FLAG,
      BLOCK,
      FLAG,
      BLOCK,
    ]);
    assert.equal(sampled.status, 'approved');
    const lead = await userApi(admin, ['lead']);
    const reviewer = await userApi(admin, ['reviewer'], ['order']);
    const other = await userApi(admin, ['reviewer'], ['order']);

    // Escalate the newest flagged item: it becomes first in line, for leads only.
    const first = await claimItem(other, 'order');
    assert.equal(first.id, blockOld.id);
    assert.equal(first.status, 'in_review');
    const escalated = await decide(other, blockOld.id, { action: 'escalate', reason: 'not sure' });
    assert.equal(escalated.status, 200, JSON.stringify(escalated.body));
    assert.equal(escalated.body.status, 'escalated');

    const seen: string[] = [];
    for (;;) {
      const res = await claim(reviewer, 'order');
      if (res.status === 204) break;
      assert.equal(res.status, 200);
      seen.push(res.body.item.id);
    }
    assert.deepEqual(seen, [blockNew.id, flagOld.id, flagNew.id, sampled.id]);

    const leadClaim = await claimItem(lead, 'order');
    assert.equal(leadClaim.id, blockOld.id);
    assert.equal(
      leadClaim.status,
      'escalated',
      'an escalated item keeps its status while a lead holds it',
    );
    const sampledRow = await admin.get(`/v1/items/${sampled.id}`);
    assert.equal(
      sampledRow.body.status,
      'approved',
      'a sampled item stays approved while in review',
    );
    assert.equal(sampledRow.body.usable, true);
  });

  void it('answers 204 with no body when nothing waits, 403 to reviewers not given the queue (known or not), 404 for an unknown queue to those who may review any', async () => {
    await createQueue(admin, 'empty');
    await createQueue(admin, 'elsewhere');
    const reviewer = await userApi(admin, ['reviewer'], ['empty']);
    const analyst = await userApi(admin, ['analyst']);
    const key = await apiKey(admin, ['elsewhere']);
    const empty = await claim(reviewer, 'empty');
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
    assert.equal((await claim(reviewer, 'elsewhere')).status, 403);
    assert.equal((await claim(analyst, 'empty')).status, 403);
    assert.equal((await claim(key, 'elsewhere')).status, 403);
    // Whether a queue exists is not told to someone who may not review it (no enumeration).
    assert.equal((await claim(reviewer, 'no-such-queue')).status, 403);
    assert.equal((await claim(admin, 'no-such-queue')).status, 404);
  });

  void it('never leases one item to two people: 8 concurrent claimers over 20 items', async () => {
    await createQueue(admin, 'race');
    const key = await apiKey(admin, ['race']);
    const batch = await key.post('/v1/queues/race/items/batch', {
      items: Array.from({ length: 20 }, (_, i) => ({
        model: { name: 'm' },
        output: { i },
        confidence: 0.7,
      })),
    });
    assert.equal(batch.status, 200);
    const reviewers = await Promise.all(
      Array.from({ length: 8 }, () => userApi(admin, ['reviewer'], ['race'])),
    );
    const got: string[] = [];
    await Promise.all(
      reviewers.map(async (r) => {
        for (;;) {
          const res = await claim(r, 'race');
          if (res.status === 204) return;
          assert.equal(res.status, 200);
          got.push(res.body.item.id);
        }
      }),
    );
    assert.equal(got.length, 20);
    assert.equal(new Set(got).size, 20, 'every item went to exactly one person');
    const holders = await sql<{ n: string }>(
      ctx,
      `SELECT count(DISTINCT claimed_by) AS n FROM items WHERE queue_slug = 'race' AND review_state = 'claimed'`,
    );
    assert.ok(Number(holders[0].n) > 1, 'the work was spread over several reviewers');
  });

  void it('never hands a reviewer an item they already reviewed (requiredReviews 2)', async () => {
    await createQueue(admin, 'twice', { requiredReviews: 2 });
    const key = await apiKey(admin, ['twice']);
    const item = await submit(key, 'twice', { confidence: FLAG });
    const a = await userApi(admin, ['reviewer'], ['twice']);
    const b = await userApi(admin, ['reviewer'], ['twice']);
    assert.equal((await claimItem(a, 'twice')).id, item.id);
    const first = await decide(a, item.id, { action: 'approve' });
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'pending', 'one of two reviews: still pending');
    assert.equal((await claim(a, 'twice')).status, 204, 'a never sees it again');
    const second = await claimItem(b, 'twice');
    assert.equal(second.id, item.id);
    assert.equal(second.reviews.length, 1, 'the second reviewer sees the first review');
    assert.equal(second.reviews[0].reviewer, a.user.id);
  });

  void it('never hands back an item reviewed before reviewers were recorded on the item (backfill migration)', async () => {
    await createQueue(admin, 'legacy-twice', { requiredReviews: 2 });
    const key = await apiKey(admin, ['legacy-twice']);
    const item = await submit(key, 'legacy-twice', { confidence: FLAG });
    const a = await userApi(admin, ['reviewer'], ['legacy-twice']);
    const b = await userApi(admin, ['reviewer'], ['legacy-twice']);
    assert.equal((await claimItem(a, 'legacy-twice')).id, item.id);
    assert.equal((await decide(a, item.id, { action: 'approve' })).status, 200);
    // As a database upgraded past ItemsReviewedBy holds it: the review, but an empty list.
    await sql(ctx, `UPDATE items SET reviewed_by = '{}' WHERE id = $1`, [item.id]);
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      const runner = { query: (text: string) => client.query(text) } as unknown as QueryRunner;
      await new BackfillItemsReviewedBy1796040000000().up(runner);
      await new BackfillItemsReviewedBy1796040000000().up(runner); // a second run changes nothing
    } finally {
      await client.end();
    }
    const [row] = await sql<{ reviewed_by: string[] }>(
      ctx,
      'SELECT reviewed_by FROM items WHERE id = $1',
      [item.id],
    );
    assert.deepEqual(row.reviewed_by, [a.user.id]);
    assert.equal((await claim(a, 'legacy-twice')).status, 204, 'a never sees it again');
    assert.equal((await claimItem(b, 'legacy-twice')).id, item.id);
  });

  void it('does not hand a released item back to the same reviewer while others wait, but does when it is the only one', async () => {
    await createQueue(admin, 'release');
    const key = await apiKey(admin, ['release']);
    const [x, y] = await submitInOrder(key, 'release', [FLAG, FLAG]);
    const a = await userApi(admin, ['reviewer'], ['release']);
    const b = await userApi(admin, ['reviewer'], ['release']);
    assert.equal((await claimItem(a, 'release')).id, x.id);
    const released = await a.delete(`/v1/items/${x.id}/lease`);
    assert.equal(released.status, 204);
    const back = await admin.get(`/v1/items/${x.id}`);
    assert.equal(back.body.status, 'pending');
    assert.equal(
      (await claimItem(a, 'release')).id,
      y.id,
      'a gets the other item, not the one just released',
    );
    assert.equal(
      (await claimItem(b, 'release')).id,
      x.id,
      'the released item kept its place for others',
    );
    assert.equal((await b.delete(`/v1/items/${x.id}/lease`)).status, 204);
    assert.equal((await decide(a, y.id, { action: 'approve' })).status, 200);
    assert.equal(
      (await claimItem(b, 'release')).id,
      x.id,
      'the only item waiting goes back to the one who released it',
    );
    const types = (await events(admin, x.id)).map((e) => e.type);
    assert.deepEqual(types.slice(-5), ['claimed', 'released', 'claimed', 'released', 'claimed']);
  });

  void it('records who claimed in the audit trail', async () => {
    await createQueue(admin, 'audit');
    const key = await apiKey(admin, ['audit']);
    const item = await submit(key, 'audit', { confidence: BLOCK });
    const r = await userApi(admin, ['reviewer'], ['audit']);
    const res = await claim(r, 'audit');
    assert.equal(res.status, 200);
    assert.ok(Date.parse(res.body.lease.expiresAt) > Date.now());
    assert.ok(Array.isArray(res.body.item.reviews));
    const claimed = (await events(admin, item.id)).at(-1)!;
    assert.equal(claimed.type, 'claimed');
    assert.equal(claimed.actor, `user:${r.user.id}`);
  });
});
