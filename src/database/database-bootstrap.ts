import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { seedFirstAdmin } from './seed-admin';
import { isUniqueViolation, pgCode, PG } from '../common/pg-errors';

// Any constant works; it only has to be the same for every instance of Verdict.
const MIGRATION_LOCK_KEY = 7_320_410_001;

async function ensureDatabaseExists(databaseUrl: string, logger: Logger): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        logger.log(`created database ${name}`);
      } catch (error) {
        // Another instance booting at the same moment may have created it first: Postgres says
        // so either as "already exists" (42P04) or as a unique violation on pg_database (23505).
        if (pgCode(error) !== PG.duplicateDatabase && !isUniqueViolation(error)) throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if needed, runs pending migrations and seeds the first admin, all under
 * one advisory lock so instances booting together neither race nor seed twice.
 */
export async function prepareDatabase(
  databaseUrl: string,
  admin: { email?: string; password?: string } = {},
): Promise<void> {
  const logger = new Logger('Database');
  await ensureDatabaseExists(databaseUrl, logger);
  const dataSource = new DataSource({ ...dataSourceOptions(databaseUrl), extra: { max: 2 } });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) logger.log(`applied ${applied.length} migration(s)`);
      if (await seedFirstAdmin(runner, admin.email, admin.password))
        logger.log(`created first admin ${admin.email}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
