/**
 * Migrated template databases, so an end-to-end or in-process test file starts on a database
 * that already has the schema instead of spending a boot creating it and running every
 * migration. The server still runs its whole normal boot path on the copy (it finds the
 * migrations applied and seeds its first admin); test/core/boot.test.ts keeps testing the
 * truly empty database.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

// Only the test harness takes this lock; the server's migration lock is another key.
const TEMPLATE_LOCK_KEY = 7_320_410_099;
const MIGRATIONS = join(__dirname, '..', '..', 'migrations');

/**
 * The template's name carries a hash of the compiled migrations (what TypeORM runs), so a
 * template is reused by later runs only while the migrations are exactly the same, and
 * worktrees with different migrations on the same Postgres never share one.
 */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.js'))
    .sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(MIGRATIONS, file)))
      .update('\0');
  }
  return `vt_template_${hash.digest('hex').slice(0, 20)}`;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Makes sure the template for the current migrations exists: whichever test file gets here
 * first builds it under an advisory lock, on a side name, and renames it into place once
 * migrated, so a template under its real name is always complete (a builder that crashed
 * leaves only a side name, dropped by the next builder).
 */
async function ensureTemplate(adminUrl: string, client: Client): Promise<string> {
  const name = templateName();
  await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      const leftovers = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_b%'",
        [name],
      );
      for (const { datname } of leftovers.rows)
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      const building = `${name}_b${process.pid}`;
      await client.query(`CREATE DATABASE "${building}"`);
      // Loaded only here: most test processes never build a template and need not load TypeORM.
      const { prepareDatabase } = await import('../../src/database/database-bootstrap.js');
      // The server's own migration path, with no admin: each server seeds its own at boot.
      await prepareDatabase(urlFor(adminUrl, building));
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
  }
  return name;
}

/** Creates `database` as a copy of the migrated template (building the template if needed). */
export async function createMigratedDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const template = await ensureTemplate(adminUrl, client);
    await client.query(`CREATE DATABASE "${database}" TEMPLATE "${template}"`);
  } finally {
    await client.end();
  }
}
