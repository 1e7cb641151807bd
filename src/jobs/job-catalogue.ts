/**
 * Every background job Verdict runs: its name, its payload and the BullMQ queue that carries
 * it. A handler for each name must exist at boot (see JobsRunner), so a job can never be
 * enqueued that nobody will process.
 *
 * A payload made of a feature's own types is declared by that feature, next to them, by
 * declaration merging (`declare module '../jobs/job-catalogue'`), so jobs imports no feature:
 * 'webhook.deliver' in webhooks/webhook-job.ts, 'notification.flush' in
 * notifications/notifications.service.ts. JOB_QUEUE_OF below still names every job (the compiler
 * checks it), and so does the boot check.
 */
export interface JobCatalogue {
  /**
   * A lease's end: the item returns to the line unless the lease (same token) was extended or
   * settled. No longer enqueued (see LeaseTimers); handled for jobs left by earlier versions.
   */
  'lease.expire': { itemId: string; token: string };
  /** An item's SLA deadline (blockedSeconds / flaggedSeconds). */
  'sla.expire': { itemId: string };
  /** Half an item's SLA gone: its sla_at_risk notifications (once; see NotificationsService). */
  'sla.warn': { itemId: string };
  /** Send one notification message (Slack or email), retried like webhooks. */
  'notification.deliver': { deliveryId: string };
  /** A background feedback export (POST /v1/feedback/exports) writing its file. */
  'export.run': { exportId: string };
}

export type JobName = keyof JobCatalogue;

export const JOB_QUEUES = ['timers', 'webhooks', 'exports'] as const;
export type JobQueueName = (typeof JOB_QUEUES)[number];

export const JOB_QUEUE_OF: Record<JobName, JobQueueName> = {
  'webhook.deliver': 'webhooks',
  'lease.expire': 'timers',
  'sla.expire': 'timers',
  'export.run': 'exports',
  'sla.warn': 'timers',
  'notification.flush': 'timers',
  'notification.deliver': 'webhooks',
};

export const JOB_NAMES = Object.keys(JOB_QUEUE_OF) as JobName[];
