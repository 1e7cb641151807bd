import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { DomainEventMap } from '../common/domain-events';
import type { Item } from '../items/item.entity';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobsService } from '../jobs/jobs.service';
import { QueuesService } from '../queues/queues.service';
import { ItemStore } from '../items/item-store';
import { slaDue, slaExpired } from '../items/item-state';
import { SlaBreaches } from './sla-breaches';
import { warnOrOutage } from '../common/outage-log';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';

const TIMER_SLACK_MS = 100;

/**
 * SLA timers. A blocked item still undecided at sla_due_at is decided by onBlockedTimeout; a
 * flagged one still unreviewed is escalated. Each item gets a delayed BullMQ job when it is
 * stored, and the review sweeper finds overdue rows in Postgres, so a timer survives Redis
 * losing its data and restarts.
 *
 * If someone holds the item when the timer fires, the timeout wins: the lease is voided (their
 * late decision gets 409) and the audit event names whose lease it was. The SLA is a promise to
 * the product system, and a reviewer can hold a lease for as long as they keep extending it.
 */
@Injectable()
export class SlaService {
  private readonly logger = new Logger('Sla');

  constructor(
    private readonly store: ItemStore,
    private readonly queues: QueuesService,
    private readonly jobs: JobsService,
    private readonly breaches: SlaBreaches,
  ) {}

  @OnDomainEvent('items.submitted')
  onItemsSubmitted({ items }: DomainEventMap['items.submitted']): Promise<void> {
    return this.schedule(items);
  }

  async schedule(items: Pick<Item, 'id' | 'slaDueAt'>[]): Promise<void> {
    const timed = items.filter((i) => i.slaDueAt);
    await this.jobs.enqueueBulk(
      'sla.expire',
      timed.map((i) => ({
        payload: { itemId: i.id },
        opts: {
          delay: Math.max(0, i.slaDueAt!.getTime() - Date.now()) + TIMER_SLACK_MS,
          jobId: `sla-${i.id}`,
          removeOnComplete: true,
        },
      })),
    );
  }

  @JobHandler('sla.expire')
  async handle(payload: { itemId: string }, _job: Job): Promise<unknown> {
    return this.fire(payload.itemId);
  }

  /** Applies the SLA to one item if it is due; returns true if the item changed. */
  async fire(itemId: string, skipLocked = false): Promise<boolean> {
    let early = 0;
    let afterCommit: (() => Promise<void>) | undefined;
    const applied = await this.store.apply(
      itemId,
      async (locked, manager) => {
        // The plan may run twice (a retry after an audit-chain race): only the last run counts.
        early = 0;
        afterCommit = undefined;
        const due = slaDue(locked);
        if (due === null) return null;
        if (due !== true) {
          early = due.notYetMs;
          return null;
        }
        const queue = await this.queues.findBySlug(locked.queueSlug);
        const transition = slaExpired(locked, queue.sla.onBlockedTimeout);
        // sla_breached entries commit with the timeout itself: a crash cannot lose them, and the
        // unique key makes a second firing (sweep after a restart) add nothing.
        if (!transition.quiet)
          afterCommit = await this.breaches.recordBreach(queue, locked.id, manager);
        return transition;
      },
      { skipLocked },
    );
    if (afterCommit) await afterCommit();
    if (early > 0) {
      await this.jobs
        .enqueue(
          'sla.expire',
          { itemId },
          {
            delay: early + TIMER_SLACK_MS,
            jobId: `sla-${itemId}-${Date.now()}`,
            removeOnComplete: true,
          },
        )
        .catch((error: Error) =>
          warnOrOutage(
            this.logger,
            error,
            `could not reschedule SLA timer for ${itemId}: ${error.message}`,
          ),
        );
    }
    return applied !== null && !applied.transition.quiet;
  }
}
