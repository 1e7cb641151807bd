import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

export const REDIS = Symbol('REDIS');
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');

/** Every Redis key, channel and BullMQ queue lives under one prefix, so tests and tenants never collide. */
@Injectable()
export class RedisKeys {
  readonly prefix: string;
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = config.redisPrefix;
  }
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
