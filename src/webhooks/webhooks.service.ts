import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireUser } from '../auth/access';
import type { Principal } from '../common/principal';
import { ItemsService } from '../items/items.service';
import { Queue } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { WebhookDelivery } from './webhook-delivery.entity';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: ItemsService,
    private readonly queues: QueuesService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

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
    // Same channel QueuesService listens on, so cached copies everywhere drop the old secret.
    await this.redis.publish(this.keys.key('queue-changed'), slug).catch(() => undefined);
    return { queue: slug, webhookSecret };
  }
}
