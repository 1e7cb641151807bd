import type { ItemStatus } from '../items/item.entity';

/** Payload of the 'webhook.deliver' job: one final-status change of one item. */
export interface WebhookJob {
  itemId: string;
  /** `${itemId}:${status}:${decidedAt ms}`: one per final-status change, shared by all its attempts. */
  deliveryKey: string;
  status: ItemStatus;
  /** Asked for by a person (POST …/deliveries/redeliver): sent even if the receiver already has this status. */
  redelivery?: boolean;
}

declare module '../jobs/job-catalogue' {
  interface JobCatalogue {
    'webhook.deliver': WebhookJob;
  }
}

/**
 * 12 attempts, exponential from 2 s (2, 4, 8 … 2048 s between them): the last attempt comes
 * about 68 minutes after the first, so a receiver that is down for an hour still gets it.
 */
export const WEBHOOK_ATTEMPTS = 12;
export const WEBHOOK_BACKOFF = { type: 'exponential', delay: 2_000 } as const;
export const WEBHOOK_TIMEOUT_MS = 5_000;
