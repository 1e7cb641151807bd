import type { QueryRunner } from 'typeorm';
import { hashPassword } from '../auth/passwords';

/** Creates the first admin when no user exists yet. Runs under the migration lock. */
export async function seedFirstAdmin(
  runner: QueryRunner,
  email: string | undefined,
  password: string | undefined,
): Promise<boolean> {
  if (!email || !password) return false;
  const existing: unknown[] = await runner.query('SELECT 1 FROM users LIMIT 1');
  if (existing.length > 0) return false;
  await runner.query(
    `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, $3, '{admin}')`,
    [email.trim().toLowerCase(), 'Administrator', await hashPassword(password)],
  );
  return true;
}
