import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { DomainEventMap } from '../common/domain-events';
import { FINAL_STATUSES, type Item } from '../items/item.entity';
import { JobsService } from '../jobs/jobs.service';
import { QueuesService } from '../queues/queues.service';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF, type WebhookJob } from './webhook-job';
import { warnOrOutage } from '../common/outage-log';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';

/**
 * Decides when a webhook is due: an item reaching a final status (auto-approval at submission
 * included) or a final status changing. One job per change, its id derived from the change, so
 * the same event seen twice is delivered once.
 */
@Injectable()
export class WebhookDispatchService implements OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  /** Changes whose job could not be enqueued (Redis unreachable), retried until Redis answers. */
  private readonly backlog = new Map<string, WebhookJob>();
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobsService,
    private readonly queues: QueuesService,
  ) {}

  /** Auto-approved submissions are final at once: their webhooks go out now. */
  @OnDomainEvent('items.submitted')
  onItemsSubmitted({ items }: DomainEventMap['items.submitted']): Promise<void> {
    return this.dispatch(items.filter((i) => FINAL_STATUSES.includes(i.status)));
  }

  /**
   * A change to a new final status (a decision, a timeout) is announced; any other change (a
   * claim, a release) answers at once, without a promise for the publisher to wait on.
   */
  @OnDomainEvent('item.changed')
  onItemChanged({ item, previousStatus }: DomainEventMap['item.changed']): Promise<void> | void {
    if (FINAL_STATUSES.includes(item.status) && item.status !== previousStatus)
      return this.dispatch([item]);
  }

  async dispatch(
    items: Pick<Item, 'id' | 'status' | 'decidedAt' | 'callbackUrl' | 'queueSlug'>[],
  ): Promise<void> {
    const due: WebhookJob[] = [];
    for (const item of items) {
      if (!item.callbackUrl && !(await this.queueUrl(item.queueSlug))) continue;
      const at = item.decidedAt ? new Date(item.decidedAt).getTime() : 0;
      due.push({
        itemId: item.id,
        status: item.status,
        deliveryKey: `${item.id}:${item.status}:${at}`,
      });
    }
    await this.enqueue(due);
  }

  private async enqueue(due: WebhookJob[]): Promise<void> {
    if (due.length === 0) return;
    try {
      await this.jobs.enqueueBulk(
        'webhook.deliver',
        due.map((payload) => ({
          payload,
          // BullMQ job ids may not contain ':'.
          opts: {
            jobId: `webhook-${payload.deliveryKey.replaceAll(':', '-')}`,
            attempts: WEBHOOK_ATTEMPTS,
            backoff: WEBHOOK_BACKOFF,
          },
        })),
      );
    } catch (error) {
      warnOrOutage(
        this.logger,
        error,
        `could not enqueue ${due.length} webhook(s), will retry: ${(error as Error).message}`,
      );
      this.keepForLater(due);
    }
  }

  /** Bounded: a Redis outage long enough to overflow it is covered by the recovery sweep. */
  private keepForLater(due: WebhookJob[]): void {
    for (const job of due) if (this.backlog.size < 50_000) this.backlog.set(job.deliveryKey, job);
    this.retryTimer ??= setInterval(() => {
      const batch = [...this.backlog.values()].slice(0, 500);
      for (const job of batch) this.backlog.delete(job.deliveryKey);
      if (this.backlog.size === 0) {
        clearInterval(this.retryTimer);
        this.retryTimer = undefined;
      }
      void this.enqueue(batch);
    }, 2_000);
    this.retryTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
  }

  private async queueUrl(slug: string): Promise<string | null> {
    try {
      return (await this.queues.findBySlug(slug)).webhookUrl;
    } catch {
      return null;
    }
  }
}
