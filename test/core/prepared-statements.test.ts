import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepared, preparedCount, PreparingClient } from '../../src/common/prepared-sql';
import {
  Api,
  apiKey,
  createQueue,
  serverPerFile,
  sql,
  submission,
  testContext,
  userApi,
} from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;

serverPerFile(ctx, async (started) => {
  ({ admin } = started);
  await createQueue(admin, 'prepared');
});

async function client(): Promise<PreparingClient> {
  const c = new PreparingClient({ connectionString: ctx.databaseUrl });
  await c.connect();
  return c;
}

async function preparedTexts(c: PreparingClient): Promise<string[]> {
  const { rows } = await c.query<{ statement: string }>(
    'SELECT statement FROM pg_prepared_statements ORDER BY statement',
  );
  return rows.map((r) => r.statement);
}

describe('named prepared statements', () => {
  it('sends a registered statement by name, parsed once per connection; others stay unnamed', async () => {
    const c = await client();
    try {
      const hot = prepared('SELECT count(*)::int AS n FROM items WHERE queue_slug = $1');
      for (let i = 0; i < 3; i++) {
        const { rows } = await c.query<{ n: number }>(hot, ['prepared']);
        assert.equal(typeof rows[0].n, 'number');
      }
      await c.query('SELECT count(*)::int AS n FROM items WHERE status = $1', ['pending']);
      assert.deepEqual(await preparedTexts(c), [hot]);
    } finally {
      await c.end();
    }
  });

  it('keeps answering a statement whose result columns a migration changed (falls back to unnamed)', async () => {
    await sql(ctx, 'CREATE TABLE prepared_probe (id int PRIMARY KEY)');
    await sql(ctx, 'INSERT INTO prepared_probe VALUES (1)');
    const c = await client();
    try {
      const star = prepared('SELECT * FROM prepared_probe WHERE id = $1');
      assert.deepEqual((await c.query(star, [1])).rows, [{ id: 1 }]);
      await sql(ctx, 'ALTER TABLE prepared_probe ADD COLUMN note text');
      await assert.rejects(c.query(star, [1]), /cached plan must not change result type/);
      assert.deepEqual((await c.query(star, [1])).rows, [{ id: 1, note: null }]);
    } finally {
      await c.end();
    }
  });

  it('stops registering past its cap (statement texts that vary without bound stay unnamed)', () => {
    for (let i = 0; i < 500; i++) prepared(`SELECT ${i} AS n WHERE $1::int IS NOT NULL`);
    assert.ok(preparedCount() <= 200, `registered ${preparedCount()}`);
  });

  it('claims and decisions keep working after a migration adds a column to items', async () => {
    const product = await apiKey(admin, ['prepared']);
    const reviewer = await userApi(admin, ['reviewer'], ['prepared']);
    const cycle = async () => {
      const claim = await reviewer.post('/v1/queues/prepared/claim');
      assert.equal(claim.status, 200, JSON.stringify(claim.body));
      const decision = await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, {
        action: 'approve',
      });
      assert.equal(decision.status, 200, JSON.stringify(decision.body));
    };
    for (let i = 0; i < 8; i++)
      assert.equal(
        (await product.post('/v1/queues/prepared/items', submission({ confidence: 0.3 }))).status,
        201,
      );
    // Enough cycles on the same pooled connections for Postgres to keep generic plans.
    for (let i = 0; i < 6; i++) await cycle();
    await sql(ctx, 'ALTER TABLE items ADD COLUMN added_by_a_later_migration text');
    try {
      await cycle();
      await cycle();
    } finally {
      await sql(ctx, 'ALTER TABLE items DROP COLUMN added_by_a_later_migration');
    }
  });
});
