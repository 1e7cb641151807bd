import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  prepared,
  preparedCount,
  PreparingClient,
  sentWithCommit,
} from '../../src/common/prepared-sql';
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

/** Counts the client's socket writes (each is a round trip's first half). */
function countWrites(c: PreparingClient): () => number {
  const stream = (c as unknown as { connection: { stream: Record<string, unknown> } }).connection
    .stream as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = stream[method].bind(stream);
    stream[method] = (...args: unknown[]) => {
      writes++;
      return original(...args);
    };
  }
  return () => writes;
}

/** What TypeORM sends for `dataSource.transaction(...)`: START TRANSACTION, the work, COMMIT. */
async function transaction(c: PreparingClient, work: () => Promise<void>): Promise<void> {
  await c.query('START TRANSACTION', undefined);
  try {
    await work();
    await c.query('COMMIT', undefined);
  } catch (error) {
    await c.query('ROLLBACK', undefined);
    throw error;
  }
}

describe('transactions in fewer round trips', () => {
  const insert = prepared('INSERT INTO pipeline_probe (id, note) VALUES ($1, $2) RETURNING id');
  const append = sentWithCommit(prepared('INSERT INTO pipeline_probe (id, note) VALUES ($1, $2)'));
  const count = async (c: PreparingClient) =>
    (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_probe', [])).rows[0].n;

  it('sends BEGIN with the first statement and a with-commit statement with the COMMIT: two writes for four statements', async () => {
    await sql(ctx, 'CREATE TABLE pipeline_probe (id int PRIMARY KEY, note text)');
    const c = await client();
    try {
      // The first time on a connection the statements go one by one (so they get prepared).
      await transaction(c, async () => {
        await c.query(insert, [1, 'first']);
        await c.query(append, [2, 'first']);
      });
      const writes = countWrites(c);
      await transaction(c, async () => {
        const { rows } = await c.query<{ id: number }>(insert, [3, 'second']);
        assert.deepEqual(rows, [{ id: 3 }]);
        await c.query(append, [4, 'second']);
      });
      assert.equal(writes(), 2);
      assert.equal(await count(c), 4);
    } finally {
      await c.end();
    }
  });

  it('keeps the transaction: others see nothing before the COMMIT', async () => {
    const c = await client();
    const other = await client();
    try {
      await c.query(insert, [10, 'warm-up']);
      await c.query('START TRANSACTION', undefined);
      await c.query(insert, [11, 'inside']);
      await c.query(append, [12, 'inside']);
      const seen = async () =>
        (
          await other.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pipeline_probe WHERE id IN (11, 12)',
            [],
          )
        ).rows[0].n;
      assert.equal(await seen(), 0);
      await c.query('COMMIT', undefined);
      assert.equal(await seen(), 2);
    } finally {
      await Promise.all([c.end(), other.end()]);
    }
  });

  it("fails the COMMIT with the held statement's own error, and the whole transaction is undone", async () => {
    const c = await client();
    try {
      const before = await count(c);
      await assert.rejects(
        transaction(c, async () => {
          await c.query(insert, [20, 'undone']);
          await c.query(append, [3, 'duplicate key']);
        }),
        (error: { code?: string; constraint?: string }) =>
          error.code === '23505' && error.constraint === 'pipeline_probe_pkey',
      );
      assert.equal(await count(c), before);
      // The connection is usable and out of any transaction afterwards.
      assert.equal(c.getTransactionStatus(), 'I');
      await transaction(c, async () => {
        await c.query(insert, [20, 'now it stays']);
      });
      assert.equal(await count(c), before + 1);
    } finally {
      await c.end();
    }
  });

  it('drops a held statement on ROLLBACK and sends nothing for a transaction without statements', async () => {
    const c = await client();
    try {
      const before = await count(c);
      await c.query('START TRANSACTION', undefined);
      await c.query(insert, [30, 'rolled back']);
      await c.query(append, [31, 'rolled back']);
      await c.query('ROLLBACK', undefined);
      assert.equal(await count(c), before);
      const writes = countWrites(c);
      await transaction(c, async () => undefined);
      assert.equal(writes(), 0);
      assert.equal(c.getTransactionStatus(), 'I');
    } finally {
      await c.end();
    }
  });
});

/**
 * A table whose `SELECT *` is prepared, then gains a column: `read` fails once with Postgres's
 * "cached plan must not change result type", then answers with the new column (sent unnamed).
 */
async function resultChangeFallsBack(
  table: string,
  read: (c: PreparingClient, star: string) => Promise<unknown[]>,
): Promise<void> {
  await sql(ctx, `CREATE TABLE ${table} (id int PRIMARY KEY)`);
  await sql(ctx, `INSERT INTO ${table} VALUES (1)`);
  const c = await client();
  try {
    const star = prepared(`SELECT * FROM ${table} WHERE id = $1`);
    // Prepared, then its row layout learnt, then reused: the change meets the reused layout.
    for (let i = 0; i < 3; i++) assert.deepEqual(await read(c, star), [{ id: 1 }]);
    await sql(ctx, `ALTER TABLE ${table} ADD COLUMN note text`);
    await assert.rejects(read(c, star), /cached plan must not change result type/);
    assert.deepEqual(await read(c, star), [{ id: 1, note: null }]);
  } finally {
    await c.end();
  }
}

describe('transactions in fewer round trips, after a migration', () => {
  it('falls back to unnamed when a migration changes the result of a statement sent with BEGIN', () =>
    resultChangeFallsBack('pipeline_changed', async (c, star) => {
      let rows: unknown[] = [];
      await transaction(c, async () => {
        rows = (await c.query(star, [1])).rows;
      });
      return rows;
    }));
});

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

  it('asks Postgres to describe a named result only until it knows the row layout, and parses rows the same', async () => {
    await sql(
      ctx,
      `CREATE TABLE layout_probe (id int PRIMARY KEY, at timestamptz, doc jsonb, tags text[], note text)`,
    );
    await sql(
      ctx,
      `INSERT INTO layout_probe VALUES (1, '2026-11-30T12:00:00Z', '{"a":[1,"x"]}', '{p,q}', NULL)`,
    );
    const c = await client();
    const connection = (c as unknown as { connection: NodeJS.EventEmitter }).connection;
    let descriptions = 0;
    connection.on('rowDescription', () => descriptions++);
    try {
      const read = prepared('SELECT id, at, doc, tags, note FROM layout_probe WHERE id = $1');
      const expected = [
        {
          id: 1,
          at: new Date('2026-11-30T12:00:00Z'),
          doc: { a: [1, 'x'] },
          tags: ['p', 'q'],
          note: null,
        },
      ];
      for (let i = 0; i < 5; i++) assert.deepEqual((await c.query(read, [1])).rows, expected);
      // Prepared with a description, described once more to learn the layout, then never.
      assert.equal(descriptions, 2);
      assert.deepEqual((await c.query(read, [2])).rows, []);
      // Inside a transaction (BEGIN sent in the same pipeline) the layout is reused too.
      await transaction(c, async () => {
        assert.deepEqual((await c.query(read, [1])).rows, expected);
      });
      assert.equal(descriptions, 2);
    } finally {
      await c.end();
    }
  });

  it('keeps answering a statement whose result columns a migration changed (falls back to unnamed)', () =>
    resultChangeFallsBack('prepared_probe', async (c, star) => (await c.query(star, [1])).rows));

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
