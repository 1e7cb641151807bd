import { BullModule } from '@nestjs/bullmq';
import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { createFastFailRedis } from '../redis/redis.module';
import { JOB_QUEUES } from './job-catalogue';
import { JobsRunner } from './jobs-runner.service';
import { JobsService } from './jobs.service';

const JOBS_CONNECTION = Symbol('JOBS_CONNECTION');

/** BullMQ never closes a connection it was handed: this closes the producers' one at shutdown. */
@Injectable()
class JobsConnectionLifecycle implements OnApplicationShutdown {
  constructor(@Inject(JOBS_CONNECTION) private readonly connection: Redis) {}
  onApplicationShutdown(): void {
    this.connection.disconnect();
  }
}

@Module({
  providers: [
    {
      provide: JOBS_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createFastFailRedis(config.redisUrl, 'verdict-jobs'),
    },
    JobsConnectionLifecycle,
  ],
  exports: [JOBS_CONNECTION],
})
class JobsConnectionModule {}

/**
 * The catalogue's queues are registered with @nestjs/bullmq (producers share one fail-fast
 * connection, so an enqueue during a Redis outage errors at once instead of hanging a request).
 * Workers are JobsRunner's: they start only where APP_ROLE runs background work.
 */
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      imports: [JobsConnectionModule],
      inject: [APP_CONFIG, JOBS_CONNECTION],
      useFactory: (config: AppConfig, connection: Redis) => ({
        connection,
        prefix: config.redisPrefix,
      }),
    }),
    BullModule.registerQueue(...JOB_QUEUES.map((name) => ({ name }))),
  ],
  providers: [JobsService, JobsRunner],
  exports: [JobsService],
})
export class JobsModule {}
