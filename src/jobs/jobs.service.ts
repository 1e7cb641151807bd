import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { dependencyDown } from '../common/outage-log';
import { JOB_QUEUE_OF, JobCatalogue, JobName, JobQueueName } from './job-catalogue';

/** The one way to enqueue background work; payloads are checked against the catalogue. */
@Injectable()
export class JobsService {
  private readonly queues: Record<JobQueueName, Queue>;

  constructor(
    @InjectQueue('timers') timers: Queue,
    @InjectQueue('webhooks') webhooks: Queue,
    @InjectQueue('exports') exports: Queue,
  ) {
    this.queues = { timers, webhooks, exports };
    // Without a listener BullMQ prints every connection error with its stack trace.
    for (const queue of Object.values(this.queues))
      queue.on('error', (error) => dependencyDown('redis', error));
  }

  queue(name: JobQueueName): Queue {
    return this.queues[name];
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
}
