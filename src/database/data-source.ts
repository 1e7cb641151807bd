import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PreparingClient } from '../common/prepared-sql';

export function dataSourceOptions(
  databaseUrl: string,
  options: { preparedStatements?: boolean } = {},
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
      ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
    },
  };
}

/** Used by the TypeORM CLI (`npm run migration:generate`). */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/verdict'),
);
