/**
 * Every background job Verdict runs: its name, its payload and the BullMQ queue that carries
 * it. A handler for each name must exist at boot (see JobsRunner), so a job can never be
 * enqueued that nobody will process.
 */
import type { WebhookJob } from '../webhooks/webhook-job';
export interface JobCatalogue {
  'webhook.deliver': WebhookJob;
}

export type JobName = keyof JobCatalogue;

export const JOB_QUEUES = ['timers', 'webhooks', 'exports'] as const;
export type JobQueueName = (typeof JOB_QUEUES)[number];

export const JOB_QUEUE_OF: Record<JobName, JobQueueName> = {
  'webhook.deliver': 'webhooks',
};

export const JOB_NAMES = Object.keys(JOB_QUEUE_OF) as JobName[];
