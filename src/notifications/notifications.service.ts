import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { requireUser } from '../auth/access';
import { User } from '../auth/user.entity';
import type { DomainEventMap } from '../common/domain-events';
import { invalidField } from '../common/errors';
import type { Principal } from '../common/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { Item } from '../items/item.entity';
import { ItemStore } from '../items/item-store';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobsService } from '../jobs/jobs.service';
import { Queue } from '../queues/queue.entity';
import { MetricsService } from '../ops/metrics.service';
import { QueuesService } from '../queues/queues.service';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF } from '../webhooks/webhook-job';
import { emailMessage, slackMessage, summaryOf, type MessageItem } from './notification-messages';
import {
  rulesFor,
  type NotificationRule,
  type NotifyChannel,
  type NotifyEvent,
  type NotifyKind,
} from '../queues/notification-rules';
import { maskSlackUrl, NotificationSender, type SendOutcome } from './notification-sender';
import { NotificationDelivery } from './notification.entity';
import { findMentions } from './mentions';
import { OnDomainEvent } from '../common/domain-event-listener.decorator';
import { Sweeps } from '../redis/sweep';

/** One message per queue, setting, channel and kind per this window at most. */
export const WINDOW_MS = 60_000;
/** How long the first entry of a quiet group waits for company before its message goes. */
export const GATHER_MS = 5_000;
const SWEEP_BATCH = 500;

export interface NewEntry {
  queueId: string;
  ruleIndex: number;
  channel: NotifyChannel;
  kind: NotifyKind;
  recipient: string;
  itemId: string;
  dedupeKey: string;
  details?: Record<string, unknown>;
}

export interface Group {
  queueId: string;
  ruleIndex: number;
  channel: NotifyChannel;
  kind: NotifyKind;
  recipient: string;
}

declare module '../jobs/job-catalogue' {
  interface JobCatalogue {
    /** Group the waiting notification entries of one (queue, setting, channel, kind) into a message. */
    'notification.flush': Group;
  }
}

const groupKey = (g: Group) => `${g.queueId}|${g.ruleIndex}|${g.channel}|${g.kind}|${g.recipient}`;
const groupHash = (g: Group) => createHash('sha256').update(groupKey(g)).digest('hex').slice(0, 24);

interface StoredMessage {
  slack?: { url: string; body: Record<string, unknown> };
  email?: {
    to: string[];
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
  };
}

/**
 * Notifications: events become rows in notification_entries (unique per item, event, setting and
 * channel, so nothing is said twice), rows are grouped into at most one message per queue,
 * setting, channel and kind per minute, and each message is a notification_deliveries row sent
 * by a retried job. Everything is in Postgres; BullMQ jobs only make it prompt, and a sweep picks
 * up whatever Redis lost (flushes, deliveries, half-SLA warnings).
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: QueuesService,
    private readonly jobs: JobsService,
    private readonly sender: NotificationSender,
    private readonly metrics: MetricsService,
    private readonly store: ItemStore,
    sweeps: Sweeps,
  ) {
    sweeps.every(
      'notification sweep',
      { logger: this.logger, lock: 'notifications-sweep-lock', whenRedisDown: 'run' },
      () => this.sweep(),
    );
  }

  @OnDomainEvent('items.submitted')
  onItemsSubmitted({ items }: DomainEventMap['items.submitted']) {
    return this.submitted(items);
  }

  @OnDomainEvent('item.changed')
  onItemChanged(payload: DomainEventMap['item.changed']) {
    // Only an escalation tells anyone: every other change (two per review cycle) answers at
    // once, without a promise for the publisher to wait on.
    if (payload.item.status !== 'escalated' || payload.previousStatus === 'escalated') return;
    return this.changed(payload);
  }

  @OnDomainEvent('item.commented')
  onItemCommented(payload: DomainEventMap['item.commented']) {
    return this.commented(payload);
  }

  // ---- events → entries ------------------------------------------------------------------

  /** Entries for every setting of the queue listening to `event`, one per item and channel. */
  entriesFor(
    queue: Pick<Queue, 'id' | 'notifications'>,
    event: NotifyEvent,
    items: { id: string; ref?: string; details?: Record<string, unknown> }[],
  ): NewEntry[] {
    const out: NewEntry[] = [];
    for (const { index, channel } of rulesFor(queue.notifications, event)) {
      if (channel === 'email' && !this.sender.emailEnabled) continue;
      for (const item of items)
        out.push({
          queueId: queue.id,
          ruleIndex: index,
          channel,
          kind: event,
          recipient: '',
          itemId: item.id,
          dedupeKey: `${event}:${item.id}${item.ref ? `:${item.ref}` : ''}`,
          details: item.details,
        });
    }
    return out;
  }

  /**
   * Stores entries (inside the caller's transaction when given one, so the event and the promise
   * to tell people commit together) and returns the groups that got something new.
   */
  async record(entries: NewEntry[], manager?: EntityManager): Promise<Group[]> {
    if (entries.length === 0) return [];
    const rows: Group[] = await (manager ?? this.dataSource.manager).query(
      `WITH inserted AS (
         INSERT INTO notification_entries
           (queue_id, rule_index, channel, kind, recipient, item_id, dedupe_key, details)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::uuid[],
                              $7::text[], $8::jsonb[])
         ON CONFLICT (queue_id, rule_index, channel, dedupe_key) DO NOTHING
         RETURNING queue_id, rule_index, channel, kind, recipient)
       SELECT DISTINCT queue_id AS "queueId", rule_index AS "ruleIndex", channel, kind, recipient
       FROM inserted`,
      [
        entries.map((e) => e.queueId),
        entries.map((e) => e.ruleIndex),
        entries.map((e) => e.channel),
        entries.map((e) => e.kind),
        entries.map((e) => e.recipient),
        entries.map((e) => e.itemId),
        entries.map((e) => e.dedupeKey),
        entries.map((e) => JSON.stringify(e.details ?? {})),
      ],
    );
    return rows;
  }

  /** Records (outside any transaction) and schedules the flushes. */
  async notify(entries: NewEntry[]): Promise<void> {
    const groups = await this.record(entries);
    await this.schedule(groups);
  }

  /** Asks for a flush of each group after the gathering delay (the flush enforces the window). */
  async schedule(groups: Group[], delay = GATHER_MS): Promise<void> {
    await Promise.all(
      groups.map((g) =>
        this.jobs
          .enqueue('notification.flush', g, {
            delay,
            jobId: `nflush-${groupHash(g)}-${Math.ceil((Date.now() + delay) / GATHER_MS)}`,
            removeOnComplete: true,
            removeOnFail: true,
          })
          .catch((error: Error) =>
            // The sweep flushes it anyway; the job only makes it prompt.
            this.logger.warn(`could not schedule a notification flush: ${error.message}`),
          ),
      ),
    );
  }

  private async submitted(items: Item[]): Promise<void> {
    // Pushed, not spread: copying the list for every item was quadratic in a 1 000-item flush.
    const bySlug = new Map<string, Item[]>();
    for (const item of items) {
      const list = bySlug.get(item.queueSlug);
      if (list) list.push(item);
      else bySlug.set(item.queueSlug, [item]);
    }
    for (const [slug, list] of bySlug) {
      const queue = await this.queues.findBySlug(slug);
      if (!queue.notifications?.length) continue;
      const blocked = list.filter((i) => i.routing === 'block' && i.reviewState === 'waiting');
      await this.notify(this.entriesFor(queue, 'blocked', blocked));
      if (rulesFor(queue.notifications, 'sla_at_risk').length) await this.scheduleWarnings(list);
    }
  }

  private async scheduleWarnings(items: Item[]): Promise<void> {
    const timed = items.filter((i) => i.slaWarnAt && i.status !== 'approved');
    await this.jobs
      .enqueueBulk(
        'sla.warn',
        timed.map((i) => ({
          payload: { itemId: i.id },
          opts: {
            delay: Math.max(0, i.slaWarnAt!.getTime() - Date.now()) + 100,
            jobId: `slawarn-${i.id}`,
            removeOnComplete: true,
          },
        })),
      )
      .catch((error: Error) =>
        this.logger.warn(`could not schedule SLA warnings: ${error.message}`),
      );
  }

  /** An item was escalated (onItemChanged lets only that through). */
  private async changed({ item }: DomainEventMap['item.changed']): Promise<void> {
    const queue = await this.queues.findBySlug(item.queueSlug);
    // Each escalation is its own event (an item can be escalated again after a report).
    const ref = String(new Date(item.updatedAt).getTime());
    await this.notify(this.entriesFor(queue, 'escalated', [{ id: item.id, ref }]));
  }

  private async commented(payload: DomainEventMap['item.commented']): Promise<void> {
    const queue = await this.queues.findById(payload.queueId);
    const author = payload.authorId
      ? await this.dataSource.getRepository(User).findOne({ where: { id: payload.authorId } })
      : null;
    const details = {
      commentId: payload.commentId,
      author: author?.name ?? 'An API key',
      body: payload.body,
    };
    const entries = this.entriesFor(queue, 'comment', [
      { id: payload.itemId, ref: payload.commentId, details },
    ]);
    if (this.sender.emailEnabled) {
      const users = await this.dataSource
        .getRepository(User)
        .createQueryBuilder('u')
        .where('u.disabled_at IS NULL')
        .getMany();
      for (const user of findMentions(payload.body, users, queue.slug))
        if (user.id !== payload.authorId)
          entries.push({
            queueId: queue.id,
            ruleIndex: -1,
            channel: 'email',
            kind: 'mention',
            recipient: user.id,
            itemId: payload.itemId,
            dedupeKey: `mention:${payload.itemId}:${payload.commentId}:${user.id}`,
            details,
          });
    }
    await this.notify(entries);
  }

  /**
   * Half the SLA gone: marks due items warned and records their sla_at_risk entries in one
   * transaction, so a restart or Redis loss neither loses a warning nor sends one twice.
   */
  async warnDue(itemId?: string): Promise<number> {
    const groups: Group[] = [];
    const count = await this.dataSource.transaction(async (manager) => {
      const rows = await this.store.markSlaWarned(manager, SWEEP_BATCH, itemId);
      const bySlug = new Map<string, string[]>();
      for (const r of rows) {
        const ids = bySlug.get(r.queue_slug);
        if (ids) ids.push(r.id);
        else bySlug.set(r.queue_slug, [r.id]);
      }
      for (const [slug, ids] of bySlug) {
        const queue = await this.queues.findBySlug(slug);
        const entries = this.entriesFor(
          queue,
          'sla_at_risk',
          ids.map((id) => ({ id })),
        );
        groups.push(...(await this.record(entries, manager)));
      }
      return rows.length;
    });
    await this.schedule(groups);
    return count;
  }

  @JobHandler('sla.warn')
  async handleWarn(payload: { itemId: string }, _job: Job): Promise<unknown> {
    return this.warnDue(payload.itemId);
  }

  // ---- entries → messages ------------------------------------------------------------------

  @JobHandler('notification.flush')
  async handleFlush(payload: Group, _job: Job): Promise<unknown> {
    return this.flush(payload);
  }

  /**
   * Turns a group's waiting entries into one message, unless the group had one less than a
   * minute ago (then it comes back when the minute is up). An advisory lock per group keeps two
   * instances from both sending.
   */
  async flush(group: Group): Promise<string> {
    let deliveryId: string | null = null;
    let retryInMs = 0;
    const outcome = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7361))', [
        groupKey(group),
      ]);
      const last: { created_at: Date; now: Date }[] = await manager.query(
        `SELECT d.created_at, now() AS now FROM notification_deliveries d
         WHERE d.queue_id = $1 AND d.rule_index = $2 AND d.channel = $3 AND d.kind = $4 AND d.recipient = $5
           AND d.status <> 'dropped'
         ORDER BY d.created_at DESC LIMIT 1`,
        [group.queueId, group.ruleIndex, group.channel, group.kind, group.recipient],
      );
      if (last.length) {
        const since = last[0].now.getTime() - last[0].created_at.getTime();
        if (since < WINDOW_MS) {
          retryInMs = WINDOW_MS - since + 200;
          return 'window';
        }
      }
      const entries: {
        id: string;
        item_id: string;
        details: Record<string, unknown>;
        created_at: Date;
      }[] = await manager.query(
        `SELECT id, item_id, details, created_at FROM notification_entries
         WHERE queue_id = $1 AND rule_index = $2 AND channel = $3 AND kind = $4 AND recipient = $5
           AND delivery_id IS NULL
         ORDER BY created_at LIMIT 1000 FOR UPDATE`,
        [group.queueId, group.ruleIndex, group.channel, group.kind, group.recipient],
      );
      if (entries.length === 0) return 'nothing waiting';
      const queue = await manager.getRepository(Queue).findOne({ where: { id: group.queueId } });
      const built = queue ? await this.build(manager, queue, group, entries) : null;
      const delivery = manager.create(NotificationDelivery, {
        queueId: group.queueId,
        ruleIndex: group.ruleIndex,
        channel: group.channel,
        kind: group.kind,
        recipient: group.recipient,
        target: built?.target ?? '',
        summary: built?.summary ?? 'queue or setting removed',
        itemIds: [...new Set(entries.map((e) => e.item_id))],
        itemCount: built?.itemCount ?? entries.length,
        message: (built?.message ?? {}) as Record<string, unknown>,
        status: built?.dropped ? 'dropped' : 'pending',
        lastError:
          built?.dropped ?? (built ? null : 'the queue or its notification setting is gone'),
      });
      if (!built) delivery.status = 'dropped';
      const saved = await manager.save(delivery);
      await manager.query(
        'UPDATE notification_entries SET delivery_id = $1 WHERE id = ANY($2::uuid[])',
        [saved.id, entries.map((e) => e.id)],
      );
      if (saved.status === 'pending') deliveryId = saved.id;
      if (entries.length === 1000) retryInMs = WINDOW_MS + 200;
      return saved.status;
    });
    if (retryInMs > 0) await this.schedule([group], retryInMs);
    if (deliveryId) await this.enqueueDelivery(deliveryId);
    return outcome;
  }

  private async build(
    manager: EntityManager,
    queue: Queue,
    group: Group,
    entries: { item_id: string; details: Record<string, unknown> }[],
  ): Promise<{
    target: string;
    summary: string;
    message: StoredMessage;
    itemCount: number;
    dropped?: string;
  } | null> {
    let rule: NotificationRule | undefined;
    let to: string[] = [];
    let mentionedBy: string | undefined;
    if (group.kind === 'mention') {
      const user = await manager.getRepository(User).findOne({ where: { id: group.recipient } });
      if (!user || user.disabledAt) return null;
      to = [user.email];
      mentionedBy = String(entries[0].details.author ?? 'Someone');
    } else {
      rule = queue.notifications?.[group.ruleIndex];
      if (!rule || !rule.on.includes(group.kind as NotifyEvent) || !rule[group.channel])
        return null;
      if (group.channel === 'email') to = rule.email!.to;
    }
    const ids = [...new Set(entries.map((e) => e.item_id))];
    const rows: Item[] = await manager.query(
      `SELECT id, routing, status, reasons, created_at AS "createdAt", sla_due_at AS "slaDueAt", output
       FROM items WHERE id = ANY($1::uuid[]) ORDER BY created_at`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Comments and mentions are one message line each; item events one line per item.
    const perEntry = group.kind === 'comment' || group.kind === 'mention';
    const sources: { item_id: string; details: Record<string, unknown> }[] = perEntry
      ? entries
      : ids.map((id) => ({ item_id: id, details: {} }));
    const items: MessageItem[] = [];
    for (const e of sources) {
      const row = byId.get(e.item_id);
      if (!row) continue;
      items.push({
        id: row.id,
        routing: row.routing,
        status: row.status,
        reasons: row.reasons ?? [],
        createdAt: new Date(row.createdAt),
        slaDueAt: row.slaDueAt,
        output: row.output,
        ...(perEntry
          ? {
              comment: {
                author: String(e.details.author ?? 'Someone'),
                body: String(e.details.body ?? ''),
              },
            }
          : {}),
      });
    }
    if (items.length === 0) return null;
    const input = {
      queue: { slug: queue.slug, name: queue.name },
      kind: group.kind,
      setting: rule ? `notifications[${group.ruleIndex}]` : null,
      settingEvents: rule?.on ?? [],
      channel: group.channel,
      includeContent: rule?.includeContent === true,
      items,
      publicUrl: this.config.publicUrl,
      now: new Date(),
      mentionedBy,
    };
    const summary = summaryOf(input);
    if (group.channel === 'slack') {
      const url = rule!.slack!.webhookUrl;
      return {
        target: maskSlackUrl(url),
        summary,
        itemCount: items.length,
        message: { slack: { url, body: slackMessage(input) } },
      };
    }
    if (!this.sender.emailEnabled)
      return {
        target: to.join(', '),
        summary,
        itemCount: items.length,
        message: {},
        dropped: 'email is off (SMTP_URL is not set)',
      };
    return {
      target: to.join(', '),
      summary,
      itemCount: items.length,
      message: { email: { to, ...emailMessage(input) } },
    };
  }

  // ---- messages → Slack / SMTP -------------------------------------------------------------

  private async enqueueDelivery(id: string): Promise<void> {
    await this.jobs
      .enqueue(
        'notification.deliver',
        { deliveryId: id },
        {
          jobId: `ndeliver-${id}`,
          attempts: WEBHOOK_ATTEMPTS,
          backoff: WEBHOOK_BACKOFF,
          removeOnComplete: true,
          removeOnFail: true,
        },
      )
      .catch((error: Error) =>
        this.logger.warn(`could not enqueue notification ${id}: ${error.message}`),
      );
  }

  @JobHandler('notification.deliver')
  async deliver(payload: { deliveryId: string }, _job: Job): Promise<unknown> {
    const repo = this.dataSource.getRepository(NotificationDelivery);
    const delivery = await repo.findOne({ where: { id: payload.deliveryId } });
    if (!delivery || delivery.status !== 'pending') return 'not pending';
    const outcome = await this.send(delivery.message as StoredMessage);
    this.metrics.notificationSends.inc({
      channel: delivery.channel,
      outcome: outcome.succeeded ? 'delivered' : 'failed',
    });
    const attempts = delivery.attempts + 1;
    const final = outcome.permanent || attempts >= WEBHOOK_ATTEMPTS;
    const status = outcome.succeeded ? 'delivered' : final ? 'failed' : 'pending';
    await this.dataSource.query(
      `UPDATE notification_deliveries SET attempts = $2, status = $3, status_code = $4,
         last_error = $5, updated_at = now(), delivered_at = CASE WHEN $3 = 'delivered' THEN now() END
       WHERE id = $1`,
      [delivery.id, attempts, status, outcome.statusCode, outcome.error],
    );
    if (outcome.succeeded) return 'delivered';
    this.logger.warn(
      `notification ${delivery.id} (${delivery.channel} to ${delivery.target}) attempt ${attempts} failed: ${outcome.error}`,
    );
    if (final) throw new UnrecoverableError(outcome.error ?? 'failed');
    // BullMQ retries with the webhook backoff; the attempt count lives in the row.
    throw new Error(outcome.error ?? 'failed');
  }

  private async send(message: StoredMessage): Promise<SendOutcome> {
    if (message.slack) return this.sender.postSlack(message.slack.url, message.slack.body);
    if (message.email) {
      const { to, ...email } = message.email;
      return this.sender.sendEmail(to, email);
    }
    return { succeeded: false, statusCode: null, error: 'nothing to send', permanent: true };
  }

  // ---- the sweep ---------------------------------------------------------------------------

  /** Repairs from Postgres what Redis lost: half-SLA warnings, flushes, deliveries. */
  async sweep(): Promise<void> {
    for (let round = 0; round < 20; round++) if ((await this.warnDue()) < SWEEP_BATCH) break;
    const groups: Group[] = await this.dataSource.query(
      `SELECT DISTINCT queue_id AS "queueId", rule_index AS "ruleIndex", channel, kind, recipient
       FROM notification_entries
       WHERE delivery_id IS NULL AND created_at <= now() - make_interval(secs => $1)`,
      [GATHER_MS / 1000],
    );
    for (const group of groups) await this.flush(group);
    const stale: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM notification_deliveries
       WHERE status = 'pending' AND updated_at <= now() - interval '20 seconds'
       ORDER BY updated_at LIMIT ${SWEEP_BATCH}`,
    );
    for (const { id } of stale) await this.enqueueDelivery(id);
  }

  // ---- API -------------------------------------------------------------------------------

  async deliveries(principal: Principal, slug: string, limit = 50) {
    requireUser(principal, 'admin', 'lead');
    const queue = await this.queues.findBySlug(slug);
    const rows = await this.dataSource.getRepository(NotificationDelivery).find({
      where: { queueId: queue.id },
      order: { createdAt: 'DESC' },
      take: Math.min(Math.max(limit, 1), 200),
    });
    return { deliveries: rows.map(toDeliveryView) };
  }

  /** "Send a test message": one attempt per channel of the setting, answered at once. */
  async test(principal: Principal, slug: string, index: number) {
    requireUser(principal, 'admin', 'lead');
    const queue = await this.queues.findBySlug(slug);
    const fresh = await this.queues.findById(queue.id);
    const rule = fresh.notifications?.[index];
    if (!rule)
      throw invalidField(
        'index',
        `index must name one of the queue's ${fresh.notifications?.length ?? 0} notification settings`,
      );
    const results: ReturnType<typeof toDeliveryView>[] = [];
    for (const channel of ['slack', 'email'] as const) {
      if (!rule[channel]) continue;
      const input = {
        queue: { slug: fresh.slug, name: fresh.name },
        kind: 'test' as const,
        setting: `notifications[${index}]`,
        settingEvents: rule.on,
        channel,
        includeContent: false,
        items: [],
        publicUrl: this.config.publicUrl,
        now: new Date(),
      };
      const message: StoredMessage =
        channel === 'slack'
          ? { slack: { url: rule.slack!.webhookUrl, body: slackMessage(input) } }
          : { email: { to: rule.email!.to, ...emailMessage(input) } };
      const outcome = await this.send(message);
      const saved = await this.dataSource.getRepository(NotificationDelivery).save({
        queueId: fresh.id,
        ruleIndex: index,
        channel,
        kind: 'test',
        recipient: '',
        target:
          channel === 'slack' ? maskSlackUrl(rule.slack!.webhookUrl) : rule.email!.to.join(', '),
        summary: summaryOf(input),
        itemIds: [],
        itemCount: 0,
        message: {},
        status: outcome.succeeded ? 'delivered' : 'failed',
        attempts: 1,
        statusCode: outcome.statusCode,
        lastError: outcome.error,
        deliveredAt: outcome.succeeded ? new Date() : null,
      });
      this.logger.log(
        `test notification ${saved.id} for ${fresh.slug} notifications[${index}] via ${channel} by user:${principal.id}: ${saved.status}`,
      );
      results.push(toDeliveryView(saved));
    }
    return { deliveries: results };
  }

  /** Throws 404 for an unknown queue; used by the controller before body validation. */
  async assertQueue(slug: string): Promise<void> {
    await this.queues.findBySlug(slug).catch(() => {
      throw new NotFoundException(`queue "${slug}" not found`);
    });
  }
}

export function toDeliveryView(d: NotificationDelivery) {
  return {
    id: d.id,
    setting: d.ruleIndex >= 0 ? `notifications[${d.ruleIndex}]` : null,
    channel: d.channel,
    kind: d.kind,
    target: d.target,
    summary: d.summary,
    itemIds: d.itemIds,
    itemCount: d.itemCount,
    status: d.status,
    attempts: d.attempts,
    statusCode: d.statusCode,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}
