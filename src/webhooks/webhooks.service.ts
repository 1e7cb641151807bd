import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireUser } from '../auth/access';
import type { Principal } from '../common/principal';
import { actorOf } from '../common/principal';
import { ItemStore } from '../items/item-store';
import { FINAL_STATUSES } from '../items/item.entity';
import { ItemsService } from '../items/items.service';
import { JobsService } from '../jobs/jobs.service';
import { Queue } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF } from './webhook-job';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: ItemsService,
    private readonly queues: QueuesService,
    private readonly jobs: JobsService,
    private readonly store: ItemStore,
  ) {}

  /**
   * Sends a final item's webhook again (admin, lead), as a new delivery with its own key and
   * retries, even when the receiver already acknowledged this status: for a receiver that lost it.
   */
  async redeliver(principal: Principal, itemId: string) {
    requireUser(principal, 'admin', 'lead');
    const item = await this.items.findReadable(principal, itemId);
    if (!FINAL_STATUSES.includes(item.status))
      throw new ConflictException(`only final items are delivered; this one is ${item.status}`);
    const url = item.callbackUrl ?? (await this.queues.findBySlug(item.queueSlug)).webhookUrl;
    if (!url) throw new ConflictException('neither the item nor its queue has a webhook URL');
    const at = item.decidedAt ? item.decidedAt.getTime() : 0;
    const deliveryKey = `${item.id}:${item.status}:${at}:redelivery-${Date.now()}`;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM items WHERE id = $1 FOR UPDATE', [item.id]);
      await this.store.append(manager, item.id, [
        {
          type: 'webhook_redelivery_requested',
          actor: actorOf(principal),
          details: { url, deliveryKey },
        },
      ]);
    });
    await this.jobs.enqueue(
      'webhook.deliver',
      { itemId: item.id, status: item.status, deliveryKey, redelivery: true },
      {
        // BullMQ job ids may not contain ':'.
        jobId: `webhook-${deliveryKey.replaceAll(':', '-')}`,
        attempts: WEBHOOK_ATTEMPTS,
        backoff: WEBHOOK_BACKOFF,
      },
    );
    return { itemId: item.id, deliveryKey, url };
  }

  /** Every attempt to deliver the item's webhooks, oldest first; for whoever may read the item. */
  async deliveries(principal: Principal, itemId: string) {
    await this.items.findReadable(principal, itemId);
    const rows = await this.dataSource
      .getRepository(WebhookDelivery)
      .find({ where: { itemId }, order: { createdAt: 'ASC', attempt: 'ASC' } });
    return {
      itemId,
      deliveries: rows.map((d) => ({
        id: d.id,
        deliveryKey: d.deliveryKey,
        url: d.url,
        attempt: d.attempt,
        succeeded: d.succeeded,
        statusCode: d.statusCode,
        error: d.error,
        durationMs: d.durationMs,
        createdAt: d.createdAt,
      })),
    };
  }

  /** A new signing secret, returned once; deliveries from now on are signed with it. */
  async rotateSecret(principal: Principal, slug: string) {
    requireUser(principal, 'admin', 'lead');
    const queue = await this.queues.findBySlug(slug);
    const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.dataSource.getRepository(Queue).update({ id: queue.id }, { webhookSecret });
    // Cached copies everywhere drop the old secret.
    await this.queues.changed(slug);
    return { queue: slug, webhookSecret };
  }
}
