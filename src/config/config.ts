import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * Environment configuration, validated once at start. A bad value stops the process with a
 * single line naming the variable, so an operator never has to read a stack trace to fix it.
 */
export type AppRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  port: number;
  databaseUrl: string;
  /** Hot statements go to Postgres as named prepared statements (off behind a transaction-mode pooler). */
  databasePreparedStatements: boolean;
  /** Milliseconds an idle pooled connection is kept; 0: kept for the life of the process. */
  databasePoolIdleTimeoutMs: number;
  redisUrl: string;
  redisPrefix: string;
  /**
   * From JWT_SECRET, or (when unset) the random secret generated once and stored in the database;
   * filled in by resolveDeploymentSecrets() before the application starts.
   */
  jwtSecret: string;
  jwtSecretFromEnv: boolean;
  /** From AUDIT_KEY, or generated and stored apart from the items tables; see jwtSecret. */
  auditKey: string;
  auditKeyFromEnv: boolean;
  jwtTtlSeconds: number;
  /** Allow webhook and callback URLs that point into private networks (development, tests). */
  webhookAllowPrivateNetworks: boolean;
  /** When set, /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  appRole: AppRole;
  logLevel: string;
  sweepIntervalMs: number;
  webDistDir: string | undefined;
  shutdownGraceMs: number;
  /** Where finished background exports are kept; several instances need a shared directory. */
  exportDir: string;
  /** The web app's address, for links in notifications (no trailing slash). */
  publicUrl: string;
  /** SMTP server for email notifications; email is off when unset. Never logged. */
  smtpUrl: string | undefined;
  /** Sender of notification emails. */
  mailFrom: string;
  /** Login throttling (counted in Redis) and the bound on concurrent password hashing. */
  login: {
    maxFailuresPerEmail: number;
    maxFailuresPerIp: number;
    failureWindowSeconds: number;
    blockSeconds: number;
    maxBlockSeconds: number;
    hashConcurrency: number;
    hashQueue: number;
  };
  /** Streamed exports: their own connection budget, and how long a stalled reader may stall. */
  exportMaxConcurrent: number;
  exportIdleTimeoutMs: number;
  /** Webhook isolation: deliveries in flight per destination, and the circuit breaker. */
  webhookMaxPerHost: number;
  webhookBreakerFailures: number;
  webhookBreakerCooldownMs: number;
  liveMaxSocketsPerUser: number;
  /**
   * Express `trust proxy`: which hops may set X-Forwarded-For. The client address drives the
   * per-address login limit, so trusting every hop would let any caller pick its own address.
   */
  trustProxy: boolean | number | string;
  /** Problems worth a warning line at start, not worth refusing to start. */
  warnings: string[];
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = env[name] ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return value;
}

/** SMTP_URL carries credentials: errors name the variable, never echo the value. */
function smtp(env: Env): string | undefined {
  const value = env.SMTP_URL;
  if (!value) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError('SMTP_URL is not a valid URL');
  }
  if (!['smtp:', 'smtps:'].includes(parsed.protocol))
    throw new ConfigError(`SMTP_URL must use smtp: or smtps: (got ${parsed.protocol})`);
  if (!parsed.hostname) throw new ConfigError('SMTP_URL needs a host');
  return value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

const MIN_SECRET_LENGTH = 32;

/**
 * A secret from the environment, or '' when unset (a random one is then generated and shared
 * through the database). In production a short one stops the process: a guessable signing key
 * makes every account forgeable.
 */
function secret(env: Env, name: string, warnings: string[]): string {
  const value = env[name] ?? '';
  if (value === '' || value.length >= MIN_SECRET_LENGTH) return value;
  if (env.NODE_ENV === 'production')
    throw new ConfigError(
      `${name} must be at least ${MIN_SECRET_LENGTH} characters in production (got ${value.length})`,
    );
  warnings.push(
    `${name} is shorter than ${MIN_SECRET_LENGTH} characters; use a long random secret in production`,
  );
  return value;
}

function bool(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

/** TRUST_PROXY: true/false, a hop count, or addresses/subnets/names Express knows (loopback, uniquelocal…). */
function trustProxy(env: Env): boolean | number | string {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '') return 'loopback';
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[\w.:/, -]+$/.test(raw))
    throw new ConfigError(
      'TRUST_PROXY must be true, false, a hop count or a list of addresses/subnets',
    );
  return raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const warnings: string[] = [];
  const jwtSecret = secret(env, 'JWT_SECRET', warnings);
  const auditKey = secret(env, 'AUDIT_KEY', warnings);
  const appRole = (env.APP_ROLE ?? 'all') as AppRole;
  if (!['api', 'worker', 'all'].includes(appRole)) {
    throw new ConfigError(`APP_ROLE must be api, worker or all (got "${env.APP_ROLE}")`);
  }
  const adminEmail = env.ADMIN_EMAIL || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if ((adminEmail && !adminPassword) || (!adminEmail && adminPassword)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword && adminPassword.length < 8)
    warnings.push('ADMIN_PASSWORD is shorter than 8 characters; change it after the first sign-in');
  const redisPrefix = env.REDIS_PREFIX ?? 'verdict';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError('REDIS_PREFIX may only contain letters, digits, "_" and "-"');
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(
    /\/+$/,
    '',
  );
  const smtpUrl = smtp(env);
  const mailFrom = env.MAIL_FROM || `Verdict <verdict@${new URL(publicUrl).hostname}>`;
  // "Name <addr>" or a bare address; nodemailer would otherwise fail on every send instead.
  if (!/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(mailFrom.trim()))
    throw new ConfigError('MAIL_FROM must be an email address or "Name <address>"');
  return {
    port,
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/verdict', [
      'postgres:',
      'postgresql:',
    ]),
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS
      ? bool(env, 'DATABASE_PREPARED_STATEMENTS')
      : true,
    databasePoolIdleTimeoutMs: int(env, 'DATABASE_POOL_IDLE_TIMEOUT_MS', 0, 0, 86_400_000),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix,
    jwtSecret,
    jwtSecretFromEnv: jwtSecret !== '',
    auditKey,
    auditKeyFromEnv: auditKey !== '',
    webhookAllowPrivateNetworks: bool(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    metricsToken: env.METRICS_TOKEN || undefined,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    adminEmail,
    adminPassword,
    appRole,
    logLevel: env.LOG_LEVEL ?? 'info',
    sweepIntervalMs: int(env, 'SWEEP_INTERVAL_MS', 10_000, 200, 600_000),
    webDistDir: env.WEB_DIST_DIR || undefined,
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    exportDir: env.EXPORT_DIR || join(tmpdir(), 'verdict-exports'),
    publicUrl,
    smtpUrl,
    mailFrom: mailFrom.trim(),
    login: {
      maxFailuresPerEmail: int(env, 'LOGIN_MAX_FAILURES_PER_EMAIL', 5, 1, 1_000_000),
      maxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 50, 1, 1_000_000),
      failureWindowSeconds: int(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
      blockSeconds: int(env, 'LOGIN_BLOCK_SECONDS', 60, 1, 86_400),
      maxBlockSeconds: int(env, 'LOGIN_MAX_BLOCK_SECONDS', 3600, 1, 7 * 86_400),
      hashConcurrency: int(env, 'LOGIN_HASH_CONCURRENCY', 1, 1, 64),
      hashQueue: int(env, 'LOGIN_HASH_QUEUE', 128, 0, 10_000),
    },
    exportMaxConcurrent: int(env, 'EXPORT_MAX_CONCURRENT', 3, 1, 100),
    exportIdleTimeoutMs: int(env, 'EXPORT_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    webhookMaxPerHost: int(env, 'WEBHOOK_MAX_PER_HOST', 4, 1, 1000),
    webhookBreakerFailures: int(env, 'WEBHOOK_BREAKER_FAILURES', 5, 1, 1000),
    webhookBreakerCooldownMs: int(env, 'WEBHOOK_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000),
    liveMaxSocketsPerUser: int(env, 'LIVE_MAX_SOCKETS_PER_USER', 20, 1, 100_000),
    trustProxy: trustProxy(env),
    warnings,
  };
}
