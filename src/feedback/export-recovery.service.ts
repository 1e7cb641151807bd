import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { LessThan, Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { REDIS, RedisKeys } from '../redis/redis.module';
import { ExportJob } from './export-job.entity';
import { Sweep } from '../redis/sweep';

/** How long a queued export may wait for its worker before we assume Redis lost the job. */
const QUEUED_GRACE_MS = 5_000;

/**
 * Postgres holds every requested export; Redis only carries the job that runs it. An export
 * still 'queued' after the grace period lost its job (Redis flushed, or down when it was
 * requested), so it is enqueued again under the same job id, which BullMQ ignores while the
 * original still exists.
 */
@Injectable()
export class ExportRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExportRecovery');
  private readonly loop: Sweep;

  constructor(
    @InjectRepository(ExportJob) private readonly exports: Repository<ExportJob>,
    private readonly jobs: JobsService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.loop = new Sweep(
      {
        name: 'export sweep',
        logger: this.logger,
        redis,
        lockKey: keys.key('export-sweep-lock'),
        lockMs: Math.max(1000, config.sweepIntervalMs - 100),
        intervalMs: config.sweepIntervalMs,
        whenRedisDown: 'skip',
      },
      () => this.sweep(),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.loop.start();
  }

  onApplicationShutdown(): void {
    this.loop.stop();
  }

  /** Exports queued a while ago whose job Redis does not have get it again (idempotent job id). */
  async sweep(): Promise<void> {
    const stuck = await this.exports.find({
      where: { status: 'queued', createdAt: LessThan(new Date(Date.now() - QUEUED_GRACE_MS)) },
      take: 100,
    });
    for (const job of stuck) {
      await this.jobs.enqueue('export.run', { exportId: job.id }, { jobId: `export-${job.id}` });
    }
  }
}
