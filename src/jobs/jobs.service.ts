import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { createFastFailRedis } from '../redis/redis.module';
import { JOB_QUEUE_OF, JOB_QUEUES, JobCatalogue, JobName, JobQueueName } from './job-catalogue';

/** The one way to enqueue background work; payloads are checked against the catalogue. */
@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly queues = new Map<JobQueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const connection = createFastFailRedis(config.redisUrl, 'verdict-jobs');
    for (const name of JOB_QUEUES) {
      this.queues.set(name, new Queue(name, { connection, prefix: config.redisPrefix }));
    }
  }

  queue(name: JobQueueName): Queue {
    return this.queues.get(name)!;
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobCatalogue[N],
    opts: JobsOptions = {},
  ): Promise<void> {
    await this.queue(JOB_QUEUE_OF[name]).add(name, payload, {
      removeOnComplete: 1000,
      removeOnFail: 5000,
      ...opts,
    });
  }

  async enqueueBulk<N extends JobName>(
    name: N,
    jobs: { payload: JobCatalogue[N]; opts?: JobsOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(JOB_QUEUE_OF[name]).addBulk(
      jobs.map((j) => ({
        name,
        data: j.payload,
        opts: { removeOnComplete: 1000, removeOnFail: 5000, ...j.opts },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
