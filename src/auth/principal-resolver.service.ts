import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';
import { User } from './user.entity';
import { type Principal, userPrincipal } from '../common/principal';
import { BroadcastChannel, Broadcasts } from '../redis/broadcast';

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
  private readonly invalidation: BroadcastChannel;

  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    broadcasts: Broadcasts,
  ) {
    this.invalidation = broadcasts.channel('auth-invalidate', (message) => {
      this.cache.clear();
      if (message.startsWith('user:')) this.notifyUserChanged(message.slice(5));
    });
  }

  private readonly userListeners: ((userId: string) => void)[] = [];

  /** Called on every instance when a user's access changed (tokens revoked): live sockets listen. */
  onUserChanged(listener: (userId: string) => void): void {
    this.userListeners.push(listener);
  }

  private notifyUserChanged(userId: string): void {
    for (const listener of this.userListeners) listener(userId);
  }

  onModuleDestroy(): void {
    this.cache.clear();
  }

  /**
   * Drops cached principals here and on every other instance. With a user id, that user's
   * tokens were revoked: their live sockets everywhere are dropped too.
   */
  async invalidate(userId?: string): Promise<void> {
    await this.invalidation.send(userId ? `user:${userId}` : '1');
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
    let payload: { sub?: string; tv?: unknown };
    try {
      payload = await this.jwt.verifyAsync<{ sub?: string; tv?: unknown }>(token, {
        algorithms: ['HS256'],
      });
    } catch {
      return null;
    }
    if (typeof payload.sub !== 'string' || typeof payload.tv !== 'number') return null;
    const user = await this.users.findOne({ where: { id: payload.sub } });
    // A token from before a password, role, queue or disabled change carries an older version.
    if (!user || user.disabledAt || user.tokenVersion !== payload.tv) return null;
    return userPrincipal(user);
  }

  /** Revalidates immediately, bypassing the cache (used at socket handshakes). */
  async resolveFresh(token: string): Promise<Principal | null> {
    this.cache.delete(token);
    return this.resolve(token);
  }
}
