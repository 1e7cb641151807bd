import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { JobsService } from '../jobs/jobs.service';
import { ExportJob } from './export-job.entity';
import { Sweeps } from '../redis/sweep';

/** How long a queued export may wait for its worker before we assume Redis lost the job. */
const QUEUED_GRACE_MS = 5_000;

/**
 * Postgres holds every requested export; Redis only carries the job that runs it. An export
 * still 'queued' after the grace period lost its job (Redis flushed, or down when it was
 * requested), so it is enqueued again under the same job id, which BullMQ ignores while the
 * original still exists.
 */
@Injectable()
export class ExportRecoveryService {
  private readonly logger = new Logger('ExportRecovery');

  constructor(
    @InjectRepository(ExportJob) private readonly exports: Repository<ExportJob>,
    private readonly jobs: JobsService,
    sweeps: Sweeps,
  ) {
    sweeps.every(
      'export sweep',
      { logger: this.logger, lock: 'export-sweep-lock', whenRedisDown: 'skip' },
      () => this.sweep(),
    );
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
