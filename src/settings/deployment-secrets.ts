import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { AppConfig } from '../config/config';

export const JWT_SECRET_SETTING = 'jwt_secret';
export const AUDIT_KEY_SETTING = 'audit_key';

/**
 * The value stored under `key`, generating a random 256-bit one first if none exists. The
 * INSERT … ON CONFLICT DO NOTHING then read back makes instances booting together agree on
 * whichever value won. Returns whether this call created it.
 */
export async function sharedSecret(
  client: Client,
  key: string,
): Promise<{ value: string; created: boolean }> {
  const inserted = await client.query(
    'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
    [key, randomBytes(32).toString('base64url')],
  );
  const rows = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
    key,
  ]);
  return { value: rows.rows[0].value, created: inserted.rowCount === 1 };
}

/**
 * Fills in the JWT secret and the audit key the environment left unset, from the database
 * (migrations must have run). There is no built-in secret: a public constant would let anyone
 * who read the source sign an admin token.
 */
export async function resolveDeploymentSecrets(config: AppConfig): Promise<void> {
  if (config.jwtSecretFromEnv && config.auditKeyFromEnv) return;
  const logger = new Logger('Secrets');
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    if (!config.jwtSecretFromEnv) {
      const { value, created } = await sharedSecret(client, JWT_SECRET_SETTING);
      config.jwtSecret = value;
      logger.log(
        created
          ? 'JWT_SECRET is not set: generated a random 256-bit secret and stored it in the database (settings.jwt_secret) for every instance'
          : 'JWT_SECRET is not set: using the generated secret stored in the database (settings.jwt_secret)',
      );
    }
    if (!config.auditKeyFromEnv) {
      const { value } = await sharedSecret(client, AUDIT_KEY_SETTING);
      config.auditKey = value;
    }
  } finally {
    await client.end();
  }
}
