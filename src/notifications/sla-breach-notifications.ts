import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Queue } from '../queues/queue.entity';
import type { SlaBreaches } from '../review/sla-breaches';
import { NotificationsService } from './notifications.service';

/**
 * sla_breached notifications for review's SLA timeouts: the entries are stored inside the
 * timeout's transaction, the flushes scheduled after its commit. A class of its own (not an alias
 * of NotificationsService) so the boot's listener and job-handler discovery sees those once.
 */
@Injectable()
export class SlaBreachNotifications implements SlaBreaches {
  constructor(private readonly notifications: NotificationsService) {}

  async recordBreach(
    queue: Pick<Queue, 'id' | 'notifications'>,
    itemId: string,
    manager: EntityManager,
  ): Promise<() => Promise<void>> {
    const told = await this.notifications.record(
      this.notifications.entriesFor(queue, 'sla_breached', [{ id: itemId }]),
      manager,
    );
    return async () => {
      if (told.length) await this.notifications.schedule(told);
    };
  }
}
