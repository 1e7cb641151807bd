import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { RetryLaterException } from '../common/errors';
import { dependencyDown } from '../common/outage-log';
import { REDIS, RedisKeys } from '../redis/redis.module';

type Scope = 'email' | 'ip';

/**
 * Failed sign-ins counted per email and per client address in Redis (rate-limiter-flexible), so
 * every instance agrees. Past the limit the key is locked out; each further lockout within a day
 * doubles the lockout (backoff), up to LOGIN_MAX_BLOCK_SECONDS. A locked-out attempt is answered
 * 429 before any password is hashed, so a flood costs almost nothing. A successful sign-in
 * clears its email's count. If Redis is unreachable, sign-in still works (fail open): locking
 * every user out during a Redis outage would be worse than not counting for a while.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');
  private readonly failures: Record<Scope, RateLimiterRedis>;
  private readonly lockouts: Record<Scope, RateLimiterRedis>;
  private readonly login: AppConfig['login'];

  constructor(@Inject(REDIS) redis: Redis, keys: RedisKeys, @Inject(APP_CONFIG) config: AppConfig) {
    this.login = config.login;
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: keys.key(name), points, duration });
    const window = this.login.failureWindowSeconds;
    this.failures = {
      email: limiter('login-failures-email', this.login.maxFailuresPerEmail, window),
      ip: limiter('login-failures-ip', this.login.maxFailuresPerIp, window),
    };
    this.lockouts = {
      email: limiter('login-lockouts-email', 1_000_000, 86_400),
      ip: limiter('login-lockouts-ip', 1_000_000, 86_400),
    };
  }

  /** 429 with Retry-After when the email or the address is locked out. */
  async check(email: string, ip: string): Promise<void> {
    const keys = this.keysOf(email, ip);
    let wait = 0;
    try {
      for (const scope of ['email', 'ip'] as const) {
        const res = await this.failures[scope].get(keys[scope]);
        if (res && res.consumedPoints > this.limitOf(scope))
          wait = Math.max(wait, res.msBeforeNext);
      }
    } catch (error) {
      this.failOpen(error);
      return;
    }
    if (wait > 0)
      throw new RetryLaterException(
        Math.max(1, Math.ceil(wait / 1000)),
        'too many failed sign-ins; try again later',
      );
  }

  /** Counts a failure; the one that crosses a limit starts a lockout, doubling per lockout today. */
  async failed(email: string, ip: string): Promise<void> {
    const keys = this.keysOf(email, ip);
    for (const scope of ['email', 'ip'] as const) {
      try {
        await this.failures[scope].consume(keys[scope]);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          this.failOpen(rejection);
          return;
        }
        if (rejection.consumedPoints !== this.limitOf(scope) + 1) continue; // already locked out
        try {
          const strikes = (await this.lockouts[scope].penalty(keys[scope])).consumedPoints;
          const seconds = Math.min(
            this.login.blockSeconds * 2 ** Math.min(strikes - 1, 20),
            this.login.maxBlockSeconds,
          );
          await this.failures[scope].block(keys[scope], seconds);
        } catch (error) {
          this.failOpen(error);
          return;
        }
      }
    }
  }

  /** A successful sign-in clears the email's failures and lockout history. */
  async succeeded(email: string): Promise<void> {
    const key = this.keysOf(email, '').email;
    await Promise.all([this.failures.email.delete(key), this.lockouts.email.delete(key)]).catch(
      (error: unknown) => this.failOpen(error),
    );
  }

  private limitOf(scope: Scope): number {
    return scope === 'email' ? this.login.maxFailuresPerEmail : this.login.maxFailuresPerIp;
  }

  /** Emails are hashed: the counters need a stable key, not the address itself in Redis. */
  private keysOf(email: string, ip: string): Record<Scope, string> {
    const normalized = email.trim().toLowerCase();
    return { email: createHash('sha256').update(normalized).digest('hex'), ip: ip || 'unknown' };
  }

  private failOpen(error: unknown): void {
    // One line per outage (every 10 s at most), shared with every other Redis caller.
    dependencyDown('redis', error);
    this.logger.debug(`sign-in not throttled: ${(error as Error)?.message ?? String(error)}`);
  }
}
