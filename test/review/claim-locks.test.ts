import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import {
  Api,
  apiKey,
  createQueue,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;

serverPerFile(ctx, async (started) => {
  ({ admin } = started);
  await createQueue(admin, 'locked');
});

describe('claims and momentary row locks', () => {
  it('a claim waits out a brief lock on the only waiting item instead of answering 204', async () => {
    const product = await apiKey(admin, ['locked']);
    const item = await product.post('/v1/queues/locked/items', submission({ confidence: 0.2 }));
    const reviewer = await userApi(admin, ['reviewer'], ['locked']);
    // Another transaction (a sweep, an after-commit update) holds the row for a moment.
    const other = new Client({ connectionString: ctx.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [item.body.id]);
      const claim = reviewer.post('/v1/queues/locked/claim');
      await new Promise((r) => setTimeout(r, 150));
      await other.query('COMMIT');
      const res = await claim;
      assert.equal(res.status, 200);
      assert.equal(res.body.item.id, item.body.id);
    } finally {
      await other.end();
    }
  });
  it('still answers 204 at once when nothing waits', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['locked']);
    const res = await reviewer.post('/v1/queues/locked/claim');
    assert.equal(res.status, 204);
  });
});
