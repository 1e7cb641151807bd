import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, REDIS_SUBSCRIBER, RedisKeys } from './redis-keys';

/** One named channel: `send` acts here at once and tells every other instance. */
export interface BroadcastChannel {
  send(message: string): Promise<void>;
}

/**
 * The one way instances tell each other to drop a cached copy (or wake a waiter): a Redis
 * pub/sub channel under the key prefix. The handler runs here right away, then on every
 * instance when the message arrives; a Redis outage only delays the others until their cache
 * entries expire, so a failed publish is never the caller's error.
 */
@Injectable()
export class Broadcasts {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
  ) {}

  channel(name: string, handle: (message: string) => void): BroadcastChannel {
    const channel = this.keys.key(name);
    this.subscribeWhenReady(channel);
    this.subscriber.on('message', (from: string, message: string) => {
      if (from === channel) handle(message);
    });
    return {
      send: async (message: string) => {
        handle(message);
        await this.redis.publish(channel, message).catch(() => undefined);
      },
    };
  }

  /**
   * SUBSCRIBE only once the connection is ready: issued while it is still connecting, a
   * subscribe can leave the client in subscriber mode before its ready check, which then fails
   * the next subscribe ("Connection in subscriber mode") and the channel is silently never
   * heard. A failed subscribe is retried; after a reconnect ioredis resubscribes by itself.
   */
  private subscribeWhenReady(channel: string): void {
    const attempt = () => {
      if (this.subscriber.status !== 'ready') {
        this.subscriber.once('ready', attempt);
        return;
      }
      this.subscriber.subscribe(channel).catch(() => setTimeout(attempt, 500).unref());
    };
    attempt();
  }
}
