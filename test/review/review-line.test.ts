import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, sql, testContext, userApi } from '../support/harness';
import { VACUUM_AFTER_MS } from '../../src/items/review-line-vacuum';
import {
  APPROVE,
  BLOCK,
  claim,
  claimItem,
  decide,
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

/**
 * Rows where review_line and the items it mirrors disagree: a waiting item without its line row
 * (or with a stale queue, rank, queue time or routing), or a line row of an item not waiting.
 */
async function lineMismatches(): Promise<unknown[]> {
  return sql(
    ctx,
    `SELECT i.id, i.review_state, l.item_id AS line_item
     FROM items i FULL JOIN review_line l ON l.item_id = i.id
     WHERE (i.review_state = 'waiting') IS DISTINCT FROM (l.item_id IS NOT NULL AND i.id IS NOT NULL)
        OR (l.item_id IS NOT NULL AND (l.queue_id IS DISTINCT FROM i.queue_id
            OR l.review_rank IS DISTINCT FROM i.review_rank OR l.queued_at IS DISTINCT FROM i.queued_at
            OR l.routing IS DISTINCT FROM i.routing))`,
  );
}

async function lineIds(slug: string): Promise<string[]> {
  const rows = await sql<{ item_id: string }>(
    ctx,
    `SELECT l.item_id FROM review_line l JOIN queues q ON q.id = l.queue_id WHERE q.slug = $1
     ORDER BY l.review_rank, l.queued_at, l.item_id`,
    [slug],
  );
  return rows.map((r) => r.item_id);
}

void describe('the review line', () => {
  void it('holds exactly the waiting items, in hand-out order, through every change an item goes through', async () => {
    await createQueue(admin, 'line', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0 },
      leaseSeconds: 60,
    });
    const key = await apiKey(admin, ['line']);
    const reviewer = await userApi(admin, ['reviewer'], ['line']);
    const lead = await userApi(admin, ['lead'], ['line']);
    const lead2 = await userApi(admin, ['lead'], ['line']);
    const [approved, flagged, blocked, flagged2] = await submitInOrder(key, 'line', [
      APPROVE,
      FLAG,
      BLOCK,
      FLAG,
    ]);
    assert.deepEqual(await lineMismatches(), []);
    // Blocked first, then flagged oldest first; an auto-approved item is not in line.
    assert.deepEqual(await lineIds('line'), [blocked.id, flagged.id, flagged2.id]);

    // A claim takes it out of the line; a release puts it back in its old place.
    const first = await claimItem(reviewer, 'line');
    assert.equal(first.id, blocked.id);
    assert.deepEqual(await lineIds('line'), [flagged.id, flagged2.id]);
    assert.equal((await reviewer.delete(`/v1/items/${first.id}/lease`)).status, 204);
    assert.deepEqual(await lineIds('line'), [blocked.id, flagged.id, flagged2.id]);
    assert.deepEqual(await lineMismatches(), []);

    // An escalation puts it first in line (for leads); a decision takes it out for good.
    const again = await claimItem(lead, 'line');
    assert.equal(again.id, blocked.id);
    const escalated = await decide(lead, again.id, { action: 'escalate', reason: 'unsure' });
    assert.equal(escalated.status, 200, JSON.stringify(escalated.body));
    assert.deepEqual(await lineIds('line'), [blocked.id, flagged.id, flagged2.id]);
    // (By another lead: nobody is handed an item they already reviewed.)
    const byLead = await claimItem(lead2, 'line');
    assert.equal(byLead.id, blocked.id);
    assert.equal((await decide(lead2, byLead.id, { action: 'approve' })).status, 200);
    assert.deepEqual(await lineIds('line'), [flagged.id, flagged2.id]);

    // A reservation keeps the item in line (the assignee's claim takes it first).
    const assigned = await lead.post(`/v1/items/${flagged2.id}/assign`, {
      userId: reviewer.user.id,
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.deepEqual(await lineIds('line'), [flagged.id, flagged2.id]);
    assert.equal((await claimItem(reviewer, 'line')).id, flagged2.id);
    assert.equal((await decide(reviewer, flagged2.id, { action: 'approve' })).status, 200);

    // A report sends a final item back into the line; the rest is decided.
    const report = await key.post(`/v1/items/${approved.id}/reports`, { reason: 'made up' });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    assert.deepEqual((await lineIds('line')).sort(), [flagged.id, approved.id].sort());
    for (;;) {
      const res = await claim(reviewer, 'line');
      if (res.status === 204) break;
      assert.equal((await decide(reviewer, res.body.item.id, { action: 'approve' })).status, 200);
    }
    assert.deepEqual(await lineIds('line'), []);
    assert.deepEqual(await lineMismatches(), []);
  });

  void it('loses the row (and the search document) of an item an operator deletes by hand', async () => {
    await createQueue(admin, 'by-hand');
    const key = await apiKey(admin, ['by-hand']);
    const item = await submit(key, 'by-hand', { confidence: FLAG });
    const rows = async () =>
      sql<{ line: string; search: string }>(
        ctx,
        `SELECT (SELECT count(*) FROM review_line WHERE item_id = $1) AS line,
                (SELECT count(*) FROM item_search WHERE item_id = $1) AS search`,
        [item.id],
      );
    assert.deepEqual(await rows(), [{ line: '1', search: '1' }]);
    await sql(ctx, 'DELETE FROM items WHERE id = $1', [item.id]);
    assert.deepEqual(await rows(), [{ line: '0', search: '0' }]);
    assert.deepEqual(await lineMismatches(), []);
  });

  void it('is vacuumed by Verdict itself after claims, so their dead entries do not pile up at its head', async () => {
    await createQueue(admin, 'vacuumed', { policy: { autoApproveAt: 0.9, blockBelow: 0.5 } });
    const key = await apiKey(admin, ['vacuumed']);
    const reviewer = await userApi(admin, ['reviewer'], ['vacuumed']);
    for (let i = 0; i < 6; i++) await submit(key, 'vacuumed', { confidence: FLAG });
    const vacuums = async () =>
      Number(
        (
          await sql<{ n: string }>(
            ctx,
            `SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'review_line'`,
          )
        )[0].n,
      );
    /** Claims and approves `n` items, then waits for the next vacuum; returns when it came. */
    const claimThenAwaitVacuum = async (n: number) => {
      const before = await vacuums();
      const started = Date.now();
      for (let i = 0; i < n; i++) {
        const item = await claimItem(reviewer, 'vacuumed');
        assert.equal((await decide(reviewer, item.id, { action: 'approve' })).status, 200);
      }
      // Few claims: the vacuum comes VACUUM_AFTER_MS after the first (statistics lag a little).
      while ((await vacuums()) === before) {
        assert.ok(
          Date.now() - started < VACUUM_AFTER_MS + 10_000,
          'the review line was not vacuumed after claims',
        );
        await new Promise((r) => setTimeout(r, 250));
      }
      return { after: Date.now() - started, count: (await vacuums()) - before };
    };
    // The earlier tests' claims may have a vacuum pending on this server: one claim, and waiting
    // for the vacuum it joins, leaves none pending, so the next one is timed from our claims alone.
    await claimThenAwaitVacuum(1);
    const { after, count } = await claimThenAwaitVacuum(3);
    assert.ok(after >= VACUUM_AFTER_MS - 1_000, `vacuumed ${after} ms after the first claim`);
    assert.equal(count, 1, 'one vacuum for three claims, not one per claim');
    assert.deepEqual(await lineMismatches(), []);
  });
});
