import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { IsNull, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';
import { User } from './user.entity';
import type { Principal } from '../common/principal';
import { REDIS_SUBSCRIBER, RedisKeys } from '../redis/redis.module';

const CACHE_MS = 5_000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Turns a bearer token into a principal. Lookups are cached for a few seconds to keep the
 * submit path cheap; revoking a key or changing a user clears the cache on every instance
 * through Redis, so a revoked key stops working at once.
 */
@Injectable()
export class PrincipalResolver implements OnModuleDestroy {
  private readonly cache = new Map<string, { principal: Principal | null; at: number }>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly channel: string;

  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    redisKeys: RedisKeys,
  ) {
    this.channel = redisKeys.key('auth-invalidate');
    void this.subscriber.subscribe(this.channel).catch(() => undefined);
    this.subscriber.on('message', (channel) => {
      if (channel === this.channel) this.cache.clear();
    });
  }

  onModuleDestroy(): void {
    this.cache.clear();
  }

  /** Drops cached principals here and on every other instance. */
  async invalidate(publisher: Redis): Promise<void> {
    this.cache.clear();
    await publisher.publish(this.channel, '1').catch(() => undefined);
  }

  async resolve(token: string): Promise<Principal | null> {
    const cached = this.cache.get(token);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.principal;
    const principal = token.startsWith('vk_')
      ? await this.fromApiKey(token)
      : await this.fromAccessToken(token);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { principal, at: Date.now() });
    return principal;
  }

  private async fromApiKey(token: string): Promise<Principal | null> {
    const key = await this.keys.findOne({
      where: { keyHash: hashApiKey(token), revokedAt: IsNull() },
    });
    if (!key) return null;
    this.touch(key.id);
    return { kind: 'apiKey', id: key.id, name: key.name, queues: key.queues, scopes: key.scopes };
  }

  /** Records last use at most once a minute per key, off the request path. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < 60_000) return;
    this.lastUsedWritten.set(id, now);
    void this.keys.update({ id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
  }

  async fromAccessToken(token: string): Promise<Principal | null> {
    let payload: { sub?: string };
    try {
      payload = await this.jwt.verifyAsync<{ sub?: string }>(token);
    } catch {
      return null;
    }
    if (!payload.sub) return null;
    const user = await this.users.findOne({ where: { id: payload.sub } });
    if (!user || user.disabledAt) return null;
    return {
      kind: 'user',
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      queues: user.queues,
    };
  }

  /** Revalidates immediately, bypassing the cache (used at socket handshakes). */
  async resolveFresh(token: string): Promise<Principal | null> {
    this.cache.delete(token);
    return this.resolve(token);
  }
}
