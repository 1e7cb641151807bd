import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * What a statement needs of a connection: TypeORM's EntityManager (inside its transactions) and
 * DirectSql both answer `query(text, values)` with the rows.
 */
export interface Sql {
  query<T = any>(text: string, values?: unknown[]): Promise<T>;
}

/**
 * The hottest statements' way to Postgres (a claim, a decision, a submission flush): the pool
 * TypeORM itself draws from, without TypeORM's per-query QueryRunner, subscriber broadcasts and
 * query logging around each statement, which came to ~4 % of a review cycle's server CPU.
 *
 * Nothing else differs: the same pooled connections (so the same named prepared statements,
 * pipelining, timeouts and pool limits), the same transaction texts (START TRANSACTION, COMMIT,
 * ROLLBACK, which prepared-sql.ts folds into fewer round trips), and pg's own errors, which
 * pg-errors.ts reads as it reads TypeORM's wrapped ones.
 *
 * For statements whose command is SELECT (plain, or WITH … SELECT) only: TypeORM answers an
 * UPDATE or DELETE as [rows, count], and callers written against it expect that.
 */
export class DirectSql implements Sql {
  constructor(private readonly dataSource: DataSource) {}

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<T = any>(text: string, values?: unknown[]): Promise<T> {
    return this.withClient(async (client) => (await client.query(text, values)).rows as T);
  }

  /**
   * `work` in a transaction on one pooled connection: committed, or rolled back on any error.
   * `work` learns when the transaction was begun here (performance.now(), before BEGIN was sent):
   * the transaction's now() is no earlier than that.
   */
  async transaction<T>(work: (sql: Sql, begun: number) => Promise<T>): Promise<T> {
    return this.withClient(async (client, broken) => {
      const begun = performance.now();
      await client.query('START TRANSACTION');
      try {
        const result = await work(
          {
            query: async <R>(text: string, values?: unknown[]) =>
              (await client.query(text, values)).rows as R,
          },
          begun,
        );
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not given to anyone else.
        await client.query('ROLLBACK').catch(broken);
        throw error;
      }
    });
  }

  /**
   * A pooled client for `work`, then back to the pool, or destroyed if its connection failed.
   * While checked out, a client has no 'error' listener of the pool's (pg-pool keeps one only on
   * idle clients): a connection lost mid-query would be an unhandled 'error' event, which ends
   * the process. The query itself fails with the error either way (pg rejects what is pending).
   */
  private async withClient<T>(
    work: (client: PoolClient, broken: (error: unknown) => void) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool().connect();
    let failed: Error | undefined;
    const broken = (error: unknown) => {
      failed ??= error instanceof Error ? error : new Error(String(error));
    };
    const onError = (error: Error) => (failed = error);
    client.on('error', onError);
    try {
      return await work(client, broken);
    } catch (error) {
      // A FATAL error (the backend was terminated, Postgres is shutting down) arrives before the
      // socket closes: handed back now, the client would go to the next caller and fail there.
      if ((error as { severity?: unknown } | null)?.severity === 'FATAL') broken(error);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(failed);
    }
  }
}
