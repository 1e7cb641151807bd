import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { FINAL_STATUSES } from '../items/item.entity';
import { ItemStore } from '../items/item-store';
import { ItemPrivacy } from '../items/item-privacy';
import { toItemView } from '../items/item.view';
import { JobHandler } from '../jobs/job-handler.decorator';
import { MetricsService } from '../ops/metrics.service';
import { Queue } from '../queues/queue.entity';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { DestinationGate } from './destination-gate';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WEBHOOK_TIMEOUT_MS, type WebhookJob } from './webhook-job';
import { signWebhook } from './webhook-signature';
import { BlockedAddressError } from '../common/outbound-address';
import { postJson } from './outbound-http';

interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  succeeded: boolean;
}

const statusOfKey = (key: string) => key.split(':')[1];

/**
 * Sends one attempt of a webhook and records it (webhook_deliveries and the audit trail).
 * A non-2xx answer or a timeout throws, and BullMQ retries with backoff.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');
  private readonly gate: DestinationGate;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ItemStore,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly privacy: ItemPrivacy,
  ) {
    this.gate = new DestinationGate({
      maxPerHost: config.webhookMaxPerHost,
      breakerFailures: config.webhookBreakerFailures,
      cooldownMs: config.webhookBreakerCooldownMs,
    });
  }

  @JobHandler('webhook.deliver')
  async deliver(payload: WebhookJob, job: Job, token?: string): Promise<unknown> {
    const item = await this.store.findById(payload.itemId);
    if (!item) return 'item gone';
    // The body is the item as it is now; if its status moved on, that change has its own delivery.
    if (item.status !== payload.status || !FINAL_STATUSES.includes(item.status))
      return 'superseded';
    const skip = await this.alreadyAnnounced(payload);
    if (skip) return skip;
    const queue = await this.dataSource
      .getRepository(Queue)
      .findOne({ where: { id: item.queueId } });
    const url = item.callbackUrl ?? queue?.webhookUrl ?? null;
    if (!queue || !url) return 'no webhook URL';
    const attempt = job.attemptsMade + 1;
    const last = attempt >= (job.opts.attempts ?? 1);

    if (!/^https?:$/.test(safeProtocol(url))) {
      await this.record(item.id, url, payload.deliveryKey, attempt, true, {
        statusCode: null,
        error: 'only http and https URLs are delivered to',
        durationMs: 0,
        succeeded: false,
      });
      throw new UnrecoverableError('unsupported webhook URL');
    }
    // Per destination: a busy or failing host waits its turn without holding a worker.
    const host = DestinationGate.hostOf(url);
    const admission = this.gate.enter(host);
    if (!admission.admitted) {
      if (!token) throw new Error(`destination ${host} is ${admission.reason}`);
      await job.moveToDelayed(admission.retryAt, token);
      throw new DelayedError();
    }
    // Receivers are product systems: they get pseudonyms, never people's ids (like API keys).
    const body = JSON.stringify(this.privacy.item(null, toItemView(item)));
    let outcome: Outcome | undefined;
    try {
      outcome = await this.post(url, body, queue.webhookSecret, payload.deliveryKey, attempt);
    } finally {
      if (admission.done(outcome?.succeeded ?? false))
        this.logger.warn(`webhook destination ${host} keeps failing; deliveries to it paused`);
    }
    const blocked = outcome.error?.startsWith('blocked_address') === true;
    await this.record(item.id, url, payload.deliveryKey, attempt, last || blocked, outcome);
    // An address the guard refuses is refused on every attempt: no point retrying for an hour.
    if (blocked) throw new UnrecoverableError(outcome.error!);
    if (!outcome.succeeded) throw new Error(outcome.error ?? `HTTP ${outcome.statusCode}`);
    return 'delivered';
  }

  /**
   * Skips a delivery already made (a replayed job) or one that repeats what the receiver was last
   * told (an approved item re-approved after an audit sample). Corrections always go out: the
   * corrected output may differ.
   */
  private async alreadyAnnounced(payload: WebhookJob): Promise<string | null> {
    const rows: { delivery_key: string; succeeded: boolean }[] = await this.dataSource.query(
      `SELECT delivery_key, succeeded FROM webhook_deliveries WHERE item_id = $1 ORDER BY created_at DESC`,
      [payload.itemId],
    );
    if (rows.some((r) => r.delivery_key === payload.deliveryKey && r.succeeded))
      return 'already delivered';
    if (payload.status === 'corrected' || payload.redelivery) return null;
    const previous = rows.find((r) => r.delivery_key !== payload.deliveryKey && r.succeeded);
    return previous && statusOfKey(previous.delivery_key) === payload.status
      ? 'receiver already has this status'
      : null;
  }

  private async post(
    url: string,
    body: string,
    secret: string,
    key: string,
    attempt: number,
  ): Promise<Outcome> {
    const started = Date.now();
    try {
      // Redirects are not followed; the address connected to is the one the SSRF guard checked.
      const status = await postJson(
        url,
        body,
        {
          'content-type': 'application/json',
          'user-agent': 'Verdict-Webhooks/1',
          'verdict-signature': signWebhook(secret, body),
          'verdict-delivery': key,
          'verdict-attempt': String(attempt),
        },
        { timeoutMs: WEBHOOK_TIMEOUT_MS, allowPrivate: this.config.webhookAllowPrivateNetworks },
      );
      const succeeded = status >= 200 && status < 300;
      return {
        statusCode: status,
        error: succeeded ? null : `HTTP ${status}`,
        durationMs: Date.now() - started,
        succeeded,
      };
    } catch (error) {
      const e = error as Error & { code?: string; cause?: { code?: string } };
      const message =
        e instanceof BlockedAddressError
          ? `blocked_address: ${e.message}`
          : e.name === 'TimeoutError'
            ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
            : (e.code ?? e.cause?.code ?? e.message);
      return {
        statusCode: null,
        error: message,
        durationMs: Date.now() - started,
        succeeded: false,
      };
    }
  }

  private async record(
    itemId: string,
    url: string,
    deliveryKey: string,
    attempt: number,
    last: boolean,
    o: Outcome,
  ): Promise<void> {
    this.metrics.webhookDeliveries.inc({ outcome: o.succeeded ? 'delivered' : 'failed' });
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM items WHERE id = $1 FOR UPDATE', [itemId]);
      const createdAt = new Date();
      await manager.insert(WebhookDelivery, { itemId, url, deliveryKey, attempt, ...o, createdAt });
      await this.store.append(manager, itemId, [
        {
          type: o.succeeded ? 'webhook_delivered' : 'webhook_failed',
          actor: 'system',
          at: createdAt,
          details: {
            url,
            deliveryKey,
            attempt,
            statusCode: o.statusCode,
            durationMs: o.durationMs,
            ...(o.error ? { error: o.error } : {}),
            ...(!o.succeeded && last ? { final: true } : {}),
          },
        },
      ]);
    });
  }
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
