import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { Broadcasts } from './broadcast';
import { REDIS, REDIS_SUBSCRIBER, RedisKeys } from './redis-keys';
import { Sweeps } from './sweep';
import { dependencyDown, dependencyUp } from '../common/outage-log';

export { REDIS, REDIS_SUBSCRIBER, RedisKeys };

export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  return { lazyConnect: false, enableReadyCheck: true, ...extra };
}

/** A client for request paths: fails fast when Redis is down instead of queueing commands. */
export function createFastFailRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  const client = new Redis(
    url,
    redisOptions({
      connectionName: name,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      ...extra,
    }),
  );
  watchOutages(client);
  return client;
}

/** A client for BullMQ workers and subscribers: waits out outages (BullMQ requires this). */
export function createPatientRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  const client = new Redis(
    url,
    redisOptions({ connectionName: name, maxRetriesPerRequest: null, ...extra }),
  );
  watchOutages(client);
  return client;
}

/** Reconnects on its own; the outage is logged once per 10 s for all clients together. */
export function watchOutages(client: Redis): void {
  client.on('error', (error) => dependencyDown('redis', error));
  client.on('ready', () => dependencyUp('redis'));
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()]);
  }
}

@Global()
@Module({
  providers: [
    RedisKeys,
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      // Auto-pipelining: the commands concurrent requests issue in the same tick (a claim's
      // skip-list read, a decision's long-poll wake-up) share one write. Not for BullMQ's client.
      useFactory: (config: AppConfig) =>
        createFastFailRedis(config.redisUrl, 'verdict-commands', { enableAutoPipelining: true }),
    },
    {
      provide: REDIS_SUBSCRIBER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createPatientRedis(config.redisUrl, 'verdict-subscriber'),
    },
    RedisLifecycle,
    Broadcasts,
    Sweeps,
  ],
  exports: [REDIS, REDIS_SUBSCRIBER, RedisKeys, Broadcasts, Sweeps],
})
export class RedisModule {}
