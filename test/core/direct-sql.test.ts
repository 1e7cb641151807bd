/**
 * DirectSql (the hot statements' way to TypeORM's pool) against a real Postgres: a statement or
 * transaction whose connection is lost fails with the error and leaves a working pool behind,
 * and a failed transaction keeps nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { DirectSql } from '../../src/common/direct-sql';
import { pgCode } from '../../src/common/pg-errors';
import { dataSourceOptions } from '../../src/database/data-source';
import {
  dropTestState,
  eventually,
  prepareTestDatabase,
  sql,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let dataSource: DataSource;
let direct: DirectSql;

before(async () => {
  await prepareTestDatabase(ctx);
  dataSource = new DataSource(dataSourceOptions(ctx.databaseUrl));
  await dataSource.initialize();
  direct = new DirectSql(dataSource);
  await sql(ctx, 'CREATE TABLE direct_probe (id int PRIMARY KEY)');
});

after(async () => {
  await dataSource?.destroy();
  await dropTestState(ctx);
});

/** Ends the connection running `marker` from outside, as a Postgres restart or a proxy would. */
async function terminate(marker: string): Promise<void> {
  const [{ pid }] = await eventually(async () => {
    const rows = await sql<{ pid: number }>(
      ctx,
      `SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${marker}%`],
    );
    return rows.length ? rows : undefined;
  });
  await sql(ctx, 'SELECT pg_terminate_backend($1)', [pid]);
}

const lost = (error: unknown) =>
  pgCode(error) === '57P01' || /terminat/i.test((error as Error).message);

describe('DirectSql', () => {
  it('fails a statement whose connection is lost midway, and the next statement works', async () => {
    const failed = assert.rejects(direct.query(`SELECT pg_sleep(30) AS lost_statement`, []), lost);
    await terminate('lost_statement');
    await failed;
    // The process is still here (no unhandled 'error' event) and the pool hands out a live client.
    assert.deepEqual(await direct.query('SELECT 1 AS one', []), [{ one: 1 }]);
  });

  it('fails a transaction whose connection is lost midway; nothing of it is kept', async () => {
    const failed = assert.rejects(
      direct.transaction(async (tx) => {
        await tx.query('INSERT INTO direct_probe (id) VALUES ($1)', [1]);
        await tx.query(`SELECT pg_sleep(30) AS lost_transaction`, []);
      }),
      lost,
    );
    await terminate('lost_transaction');
    await failed;
    assert.deepEqual(await direct.query('SELECT count(*)::int AS n FROM direct_probe', []), [
      { n: 0 },
    ]);
  });

  it('rolls back a transaction whose work throws, and commits one that does not', async () => {
    await assert.rejects(
      direct.transaction(async (tx) => {
        await tx.query('INSERT INTO direct_probe (id) VALUES ($1)', [2]);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    await direct.transaction(async (tx) => {
      await tx.query('INSERT INTO direct_probe (id) VALUES ($1)', [3]);
    });
    assert.deepEqual(await direct.query('SELECT id FROM direct_probe ORDER BY id', []), [
      { id: 3 },
    ]);
  });
});
