import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { Item } from '../items/item.entity';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { Sweeps } from '../redis/sweep';
import { WebhookDispatchService } from './webhook-dispatch.service';

/** Covers the whole retry span (about 68 minutes) with room to spare. */
const RECOVERY_WINDOW = '2 hours';

/**
 * Pending webhook jobs live in Redis. If Redis loses its data (the sentinel key is gone), the
 * deliveries of the last two hours that never succeeded are enqueued again from Postgres; job
 * ids derive from the change, and the deliverer skips changes already delivered.
 */
@Injectable()
export class WebhookRecoveryService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly dispatcher: WebhookDispatchService,
    sweeps: Sweeps,
  ) {
    // The sentinel is checked before any lock, and the lock then outlasts the whole recovery
    // (30 s, not one interval), so only one instance re-enqueues after a loss.
    sweeps.every('webhook recovery check', { logger: this.logger, lock: null }, () => this.check());
  }

  async check(): Promise<void> {
    const sentinel = this.keys.key('webhooks-sentinel');
    if ((await this.redis.exists(sentinel)) === 1) return;
    const lock = await this.redis.set(
      this.keys.key('webhooks-recovery-lock'),
      '1',
      'PX',
      30_000,
      'NX',
    );
    if (lock !== 'OK') return;
    const rows: {
      id: string;
      status: Item['status'];
      decided_at: Date;
      callback_url: string | null;
      queue_slug: string;
    }[] = await this.dataSource.query(
      `SELECT i.id, i.status, i.decided_at, i.callback_url, i.queue_slug
             FROM queues q JOIN items i ON i.queue_id = q.id
            WHERE i.decided_at IS NOT NULL AND i.decided_at > now() - interval '${RECOVERY_WINDOW}'
              AND i.status IN ('approved', 'rejected', 'corrected')
              AND (i.callback_url IS NOT NULL OR q.webhook_url IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                               WHERE d.item_id = i.id AND d.succeeded AND d.created_at >= i.decided_at)`,
    );
    for (let i = 0; i < rows.length; i += 500) {
      await this.dispatcher.dispatch(
        rows.slice(i, i + 500).map((r) => ({
          id: r.id,
          status: r.status,
          decidedAt: r.decided_at,
          callbackUrl: r.callback_url,
          queueSlug: r.queue_slug,
        })),
      );
    }
    await this.redis.set(sentinel, new Date().toISOString());
    if (rows.length > 0)
      this.logger.warn(
        `Redis had lost its data: re-enqueued ${rows.length} undelivered webhook(s)`,
      );
  }
}
