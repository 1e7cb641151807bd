import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../ops/metrics.service';
import { DriftService, VersionDrift } from './drift.service';
import { warnOrOutage } from '../common/outage-log';

/** Recomputed at most this often; scrapes in between get the last values at once. */
const REFRESH_MS = 5 * 60_000;
/** How long a scrape waits for a first computation before answering without it. */
const FIRST_WAIT_MS = 3_000;

/**
 * Drift as Prometheus gauges, per queue, model and version:
 * verdict_model_confidence_psi (PSI against the previous version) and
 * verdict_model_override_ratio (human override rate over the last 7 days). Computed from
 * Postgres in the background, so a scrape never waits on a full pass over items.
 */
@Injectable()
export class DriftMetrics {
  private readonly logger = new Logger('DriftMetrics');
  private latest: VersionDrift[] = [];
  private computedAt = 0;
  private running: Promise<void> | null = null;

  constructor(metrics: MetricsService, drift: DriftService) {
    const latest = () => this.latest;
    const labels = (v: VersionDrift) => ({
      queue: v.queue ?? '',
      model: v.model,
      version: v.version ?? '',
    });
    const refresh = () => {
      if (!this.running && Date.now() - this.computedAt > REFRESH_MS) {
        this.running = drift
          .compute({}, 7, true)
          .then((rows) => {
            this.latest = rows;
            this.computedAt = Date.now();
          })
          .catch((error: Error) =>
            warnOrOutage(this.logger, error, `drift metrics: ${error.message}`),
          )
          .finally(() => {
            this.running = null;
          });
      }
      return this.running;
    };
    const waitFirst = async () => {
      const pending = refresh();
      if (pending && this.computedAt === 0)
        await Promise.race([pending, new Promise((r) => setTimeout(r, FIRST_WAIT_MS).unref())]);
    };
    new Gauge({
      name: 'verdict_model_confidence_psi',
      help: 'Population stability index of a model version confidence distribution against the previous version',
      labelNames: ['queue', 'model', 'version'],
      registers: [metrics.registry],
      async collect() {
        await waitFirst();
        this.reset();
        for (const v of latest()) if (v.psi !== null) this.set(labels(v), v.psi);
      },
    });
    new Gauge({
      name: 'verdict_model_override_ratio',
      help: 'Share of human verdicts in the last 7 days that rejected or corrected the output, per model version',
      labelNames: ['queue', 'model', 'version'],
      registers: [metrics.registry],
      async collect() {
        await waitFirst();
        this.reset();
        for (const v of latest()) if (v.overrideRate !== null) this.set(labels(v), v.overrideRate);
      },
    });
  }
}
