import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue as BullQueue } from 'bullmq';
import { dependencyDown, isDependencyDown } from '../common/outage-log';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';
import type { DomainEventMap } from '../common/domain-events';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Item } from '../items/item.entity';
import { createFastFailRedis, REDIS, RedisKeys } from '../redis/redis.module';
import { Sweeps } from '../redis/sweep';

type LineEntry = Pick<Item, 'id' | 'queueSlug' | 'reviewRank'>;

/**
 * Each Verdict queue has a BullMQ review queue holding one job per item awaiting review (job id
 * = item id, priority by review class, FIFO within a class). Postgres stays the source of truth:
 * jobs are added only after the row commits, and a sweeper re-adds any that Redis lost.
 */
@Injectable()
export class ReviewLineService implements OnApplicationShutdown {
  private readonly logger = new Logger('ReviewLine');
  private readonly queues = new Map<string, BullQueue>();
  private readonly connection: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    sweeps: Sweeps,
  ) {
    this.connection = createFastFailRedis(config.redisUrl, 'verdict-review-line');
    sweeps.every(
      'sweep',
      { logger: this.logger, lock: 'sweep-lock', whenRedisDown: 'skip', runAtStart: true },
      () => this.sweep(),
    );
  }

  /** New items that await review get their job (failures are left to the outbox sweep). */
  @OnDomainEvent('items.submitted')
  onItemsSubmitted({ items }: DomainEventMap['items.submitted']): Promise<void> {
    return this.push(items.filter((i) => i.reviewState !== 'none'));
  }

  /** Keeps the BullMQ review job in step: gone when the item leaves review, re-added (new priority) when it returns. */
  @OnDomainEvent('item.changed')
  async onItemChanged({ item, previous }: DomainEventMap['item.changed']): Promise<void> {
    const wasInLine = previous.reviewState !== 'none';
    if (wasInLine && item.reviewState === 'none') return this.remove(item);
    if (item.reviewState !== 'waiting') return;
    if (wasInLine && previous.reviewRank === item.reviewRank) return;
    if (wasInLine) await this.remove(item);
    await this.push([item]);
  }

  queueFor(slug: string): BullQueue {
    let queue = this.queues.get(slug);
    if (!queue) {
      queue = new BullQueue(`review-${slug}`, {
        connection: this.connection,
        prefix: this.config.redisPrefix,
      });
      // Without a listener BullMQ prints every connection error with its stack trace.
      queue.on('error', (error) => dependencyDown('redis', error));
      this.queues.set(slug, queue);
    }
    return queue;
  }

  async push(items: LineEntry[]): Promise<void> {
    if (items.length === 0) return;
    // During an outage BullMQ would hold the push until Redis returns; the outbox rows written
    // with the items already tell the sweeper what to add then.
    if (isDependencyDown('redis')) throw new Error('Redis is not available; left to the sweeper');
    const bySlug = new Map<string, LineEntry[]>();
    for (const item of items) {
      const group = bySlug.get(item.queueSlug);
      if (group) group.push(item);
      else bySlug.set(item.queueSlug, [item]);
    }
    await Promise.all(
      [...bySlug].map(([slug, entries]) =>
        this.queueFor(slug).addBulk(
          entries.map((e) => ({
            name: 'review',
            data: { itemId: e.id },
            opts: {
              jobId: e.id,
              priority: (e.reviewRank ?? 3) + 1,
              removeOnComplete: true,
              removeOnFail: true,
            },
          })),
        ),
      ),
    );
    // The jobs exist now: their outbox rows are done (a side table, so no item row is locked).
    await this.dataSource.query(`DELETE FROM review_line_outbox WHERE item_id = ANY($1::uuid[])`, [
      items.map((i) => i.id),
    ]);
  }

  /** Takes an item out of its review queue once it no longer awaits review. */
  async remove(item: LineEntry): Promise<void> {
    await this.queueFor(item.queueSlug)
      .remove(item.id)
      .catch(() => undefined);
  }

  /**
   * Re-adds jobs for items awaiting review. When the sentinel key is gone Redis lost its data,
   * so every item in the line is re-added; otherwise only those whose push never completed (a
   * crash or Redis outage between commit and push), left in review_line_outbox. Re-adding
   * is idempotent: a job id that still exists is ignored by BullMQ.
   */
  async sweep(): Promise<void> {
    const sentinel = this.keys.key('sentinel');
    const intact = (await this.redis.exists(sentinel)) === 1;
    const total = intact ? await this.pushOutbox() : await this.pushWholeLine();
    if (!intact) {
      await this.redis.set(sentinel, new Date().toISOString());
      if (total > 0)
        this.logger.warn(`Redis had lost its data: restored ${total} review job(s) from Postgres`);
    }
  }

  /** Items whose push was never confirmed (older than a moment, so in-flight pushes finish first). */
  private async pushOutbox(): Promise<number> {
    const rows: { id: string; queue_slug: string; review_rank: number | null; in_line: boolean }[] =
      await this.dataSource.query(
        `SELECT i.id, i.queue_slug, i.review_rank, i.review_state <> 'none' AS in_line
         FROM review_line_outbox o JOIN items i ON i.id = o.item_id
         WHERE o.queued_at < now() - interval '2 seconds'
         ORDER BY o.queued_at LIMIT 5000`,
      );
    const inLine = rows.filter((r) => r.in_line);
    await this.push(
      inLine.map((r) => ({ id: r.id, queueSlug: r.queue_slug, reviewRank: r.review_rank })),
    );
    // Items that left the line before their push need no job.
    const gone = rows.filter((r) => !r.in_line).map((r) => r.id);
    if (gone.length)
      await this.dataSource.query(
        `DELETE FROM review_line_outbox WHERE item_id = ANY($1::uuid[])`,
        [gone],
      );
    return inLine.length;
  }

  /** After Redis lost its data: every item in the line gets its job again. */
  private async pushWholeLine(): Promise<number> {
    let lastId = '00000000-0000-0000-0000-000000000000';
    let total = 0;
    for (;;) {
      const rows: { id: string; queue_slug: string; review_rank: number }[] =
        await this.dataSource.query(
          `SELECT id, queue_slug, review_rank FROM items
         WHERE review_state <> 'none' AND id > $1 ORDER BY id LIMIT 2000`,
          [lastId],
        );
      if (rows.length === 0) return total;
      await this.push(
        rows.map((r) => ({ id: r.id, queueSlug: r.queue_slug, reviewRank: r.review_rank })),
      );
      total += rows.length;
      lastId = rows[rows.length - 1].id;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
