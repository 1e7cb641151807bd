import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { createFastFailRedis } from '../redis/redis.module';
import { JOB_QUEUES } from './job-catalogue';
import { JobsRunner } from './jobs-runner.service';
import { JobsService } from './jobs.service';

/**
 * The catalogue's queues are registered with @nestjs/bullmq (producers share one fail-fast
 * connection, so an enqueue during a Redis outage errors at once instead of hanging a request).
 * Workers are JobsRunner's: they start only where APP_ROLE runs background work.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: createFastFailRedis(config.redisUrl, 'verdict-jobs'),
        prefix: config.redisPrefix,
      }),
    }),
    BullModule.registerQueue(...JOB_QUEUES.map((name) => ({ name }))),
  ],
  providers: [JobsService, JobsRunner],
  exports: [JobsService],
})
export class JobsModule {}
