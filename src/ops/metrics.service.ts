import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'verdict_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });

  readonly submissions = new Counter({
    name: 'verdict_submissions_total',
    help: 'Items submitted, by queue and routing',
    labelNames: ['queue', 'routing'],
    registers: [this.registry],
  });

  readonly reviews = new Counter({
    name: 'verdict_reviews_total',
    help: 'Human decisions, by queue and action',
    labelNames: ['queue', 'action'],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'verdict_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly notificationSends = new Counter({
    name: 'verdict_notification_sends_total',
    help: 'Slack and email notification attempts, by channel and outcome',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    // Standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes...), as stock Node.js
    // dashboards and alerts expect them; Verdict's own metrics carry the verdict_ prefix.
    collectDefaultMetrics({ register: this.registry });
    // prom-client also exports three gauges named *_total, which Prometheus reserves for counters
    // (promtool check metrics rejects them). Their per-type siblings (nodejs_active_handles{type},
    // ...) stay and sum to the same figure.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ])
      this.registry.removeSingleMetric(name);
    // Depth comes from Postgres, the source of truth, at scrape time.
    new Gauge({
      name: 'verdict_queue_depth',
      help: 'Items in a review queue, by queue and review state (waiting, claimed)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        // Waiting from the narrow review_line table, claimed from the small partial index
        // items_lease_expiry_idx: no scan of every item ever submitted at each scrape.
        const rows: { queue: string; state: string; n: string }[] = await dataSource.query(
          `SELECT q.slug AS queue, 'waiting' AS state, count(*) AS n
             FROM review_line l JOIN queues q ON q.id = l.queue_id GROUP BY 1
           UNION ALL
           SELECT queue_slug, 'claimed', count(*) FROM items WHERE review_state = 'claimed' GROUP BY 1`,
        );
        this.reset();
        for (const r of rows) this.set({ queue: r.queue, state: r.state }, Number(r.n));
      },
    });
  }
}

@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
