/**
 * Audit trail integrity against someone who can write the items tables directly (SQL), but not
 * the audit key: GET /v1/items/:id/events/verify must notice every change they make.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import stringify from 'safe-stable-stringify';
import {
  adminApi,
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  sql,
  startServer,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let product: Api;

interface EventRow {
  id: string;
  item_id: string;
  seq: number;
  type: string;
  actor: string;
  details: Record<string, unknown>;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

/** What the old code did: plain SHA-256 over the same fields, which anyone can recompute. */
function plainHash(prev: string, e: EventRow): string {
  return createHash('sha256')
    .update(
      [
        prev,
        e.item_id,
        e.seq,
        e.type,
        e.actor,
        e.created_at.toISOString(),
        stringify(e.details),
      ].join('|'),
    )
    .digest('hex');
}

/** Recomputes every link of an item's chain with plain SHA-256, as an attacker would. */
async function rewriteChain(itemId: string): Promise<void> {
  const rows = await sql<EventRow>(
    ctx,
    'SELECT * FROM item_events WHERE item_id = $1 ORDER BY seq',
    [itemId],
  );
  let prev = '';
  for (const row of rows) {
    const hash = plainHash(prev, row);
    await sql(ctx, 'UPDATE item_events SET prev_hash = $2, hash = $3 WHERE id = $1', [
      row.id,
      prev,
      hash,
    ]);
    prev = hash;
  }
}

async function verify(id: string) {
  const res = await admin.get(`/v1/items/${id}/events/verify`);
  assert.equal(res.status, 200);
  return res.body as {
    valid: boolean;
    firstInvalidSeq: number | null;
    headValid: boolean | null;
    legacy: boolean;
    problem: string | null;
  };
}

/** A decided item: submitted blocked, claimed, rejected (several events, a final status). */
async function decidedItem(): Promise<string> {
  const item = await product.post('/v1/queues/audited/items', submission({ confidence: 0.2 }));
  const claimed = await admin.post('/v1/queues/audited/claim');
  assert.equal(claimed.body.item.id, item.body.id);
  const decided = await admin.post(`/v1/items/${item.body.id}/decision`, {
    action: 'correct',
    reason: 'amount',
    correctedOutput: { reply: 'fixed' },
  });
  assert.equal(decided.status, 200, JSON.stringify(decided.body));
  assert.equal((await verify(item.body.id)).valid, true);
  return item.body.id as string;
}

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'audited');
  product = await apiKey(admin, ['audited']);
});

describe('audit trail integrity', () => {
  it('detects an edited event', async () => {
    const id = await decidedItem();
    // Events: 1 submitted, 2 claimed, 3 decided. Edit the claim's actor.
    await sql(ctx, `UPDATE item_events SET actor = 'system' WHERE item_id = $1 AND seq = 2`, [id]);
    const result = await verify(id);
    assert.equal(result.valid, false);
    assert.equal(result.firstInvalidSeq, 2);
  });

  it('detects a deleted last event', async () => {
    const id = await decidedItem();
    await sql(
      ctx,
      'DELETE FROM item_events WHERE item_id = $1 AND seq = (SELECT max(seq) FROM item_events WHERE item_id = $1)',
      [id],
    );
    const result = await verify(id);
    assert.equal(result.valid, false);
    assert.equal(result.headValid, false);
    assert.match(result.problem!, /chain head/);
  });

  it('detects an actor edited and every hash recomputed with plain SHA-256', async () => {
    const id = await decidedItem();
    await sql(ctx, `UPDATE item_events SET actor = 'system' WHERE item_id = $1 AND seq > 1`, [id]);
    await rewriteChain(id);
    const result = await verify(id);
    assert.equal(result.valid, false);
    assert.equal(result.firstInvalidSeq, 1, 'no link is a keyed hash any more');
  });

  it("detects a direct change of the item's status, usability or final output", async () => {
    for (const change of [
      `status = 'approved'`,
      'usable = NOT usable',
      `final_output = '{"reply":"forged"}'::jsonb`,
    ]) {
      const id = await decidedItem();
      await sql(ctx, `UPDATE items SET ${change} WHERE id = $1`, [id]);
      const result = await verify(id);
      assert.equal(result.valid, false, change);
      assert.equal(result.headValid, false, change);
      assert.equal(result.firstInvalidSeq, null, `${change}: every event is intact`);
    }
  });

  it('detects a removed chain head', async () => {
    const id = await decidedItem();
    await sql(ctx, 'UPDATE items SET audit_head = NULL WHERE id = $1', [id]);
    await rewriteChain(id);
    const result = await verify(id);
    assert.equal(result.valid, false);
    assert.equal(result.legacy, false);
  });

  it('claims, decisions and reports all keep the head current (webhook deliveries: webhooks.test)', async () => {
    const id = await decidedItem();
    const reported = await product.post(`/v1/items/${id}/reports`, { reason: 'still wrong' });
    assert.equal(reported.status, 201, JSON.stringify(reported.body));
    assert.equal((await verify(id)).valid, true);
  });
});

describe('items from before audit keying', () => {
  it('are sealed at start: their plain chain is kept and vouched for by a keyed head', async () => {
    const id = await decidedItem();
    // Make it look like an item written by the old code: plain hashes, no head, not sealed yet.
    await rewriteChain(id);
    await sql(ctx, 'UPDATE items SET audit_head = NULL, audit_legacy_seq = 0 WHERE id = $1', [id]);
    await sql(ctx, `DELETE FROM settings WHERE key = 'audit_legacy_sealed_at'`);
    await server.stop();
    server = await startServer(ctx);
    admin = await adminApi(server.url);
    product = new Api(server.url, product.token);
    const sealed = await eventually(async () => {
      const res = await verify(id);
      return !res.legacy && res;
    });
    assert.equal(sealed.valid, true, JSON.stringify(sealed));
    // New events after sealing are keyed; the old ones stay as they were.
    const reported = await product.post(`/v1/items/${id}/reports`, { reason: 'again' });
    assert.equal(reported.status, 201);
    assert.equal((await verify(id)).valid, true);
    // Tampering with a legacy event is caught through the head.
    await sql(ctx, `UPDATE item_events SET actor = 'system' WHERE item_id = $1 AND seq = 2`, [id]);
    await rewriteChain(id);
    assert.equal((await verify(id)).valid, false);
  });
});
