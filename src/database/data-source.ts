import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PreparingClient } from '../common/prepared-sql';

export function dataSourceOptions(
  databaseUrl: string,
  options: { preparedStatements?: boolean; poolIdleTimeoutMs?: number } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    // Entities and migrations are found by file so each feature module owns its own.
    entities: [join(__dirname, '..', '**', '*.entity.js')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.js')],
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    // PreparingClient: the hot statements are named prepared statements (src/common/prepared-sql.ts).
    extra: {
      max: 20,
      // A fixed-size pool by default: connections opened for a burst stay open. pg's default
      // closed every connection idle for 10 s, so the quiet after a burst ended a dozen backends
      // at once, and the next burst paid to reconnect and re-prepare. On a 2-core VM those
      // exits stalled the whole machine for 40-150 ms (docs/benchmarks.md, session 10).
      idleTimeoutMillis: options.poolIdleTimeoutMs ?? 0,
      ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
    },
  };
}

/** Used by the TypeORM CLI (`npm run migration:generate`). */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/verdict'),
);
